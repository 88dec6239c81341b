/**
 * Content hashes of the files a pipeline uploads: what names the upload folder and the asset versions.
 *
 * Pure apart from reading the files. Like the Azure ML SDK (an md5 over the sorted file names and
 * bytes), but sha256, and with the size in the record so that no two file lists hash alike by a shift of
 * bytes from one file to the next. The SDK's own `hash_sha256` / `hash_version: 202208` scheme is not
 * reproduced, so this hash is never declared under those names.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Folders never uploaded: Python caches, the steps' own tests, and tool state. */
export const SKIPPED_FOLDERS: readonly string[] = ["__pycache__", "tests", ".pytest_cache", ".ipynb_checkpoints"];
/** File endings never uploaded (compiled Python). */
export const SKIPPED_SUFFIXES: readonly string[] = [".pyc", ".pyo"];

/** True when a file or folder name is left out of uploads and hashes (hidden names too, e.g. `.DS_Store`). */
export function isSkipped(name: string, isFolder: boolean): boolean {
    if (name.startsWith(".")) {
        return true;
    }
    return isFolder ? SKIPPED_FOLDERS.includes(name) : SKIPPED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** One file to upload: its path relative to the uploaded root (always `/`-separated) and on disk. */
export interface UploadFile {
    readonly relativePath: string;
    readonly absolutePath: string;
}

/** The files under `root`, skipped names left out, sorted by relative path (code-unit order). */
export function listFiles(root: string): UploadFile[] {
    const found: UploadFile[] = [];
    const walk = (folder: string, prefix: string): void => {
        for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
            const absolutePath = path.join(folder, entry.name);
            const isFolder = fs.statSync(absolutePath).isDirectory();
            if (isSkipped(entry.name, isFolder)) {
                continue;
            }
            const relativePath = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
            if (isFolder) {
                walk(absolutePath, relativePath);
            } else {
                found.push({ relativePath, absolutePath });
            }
        }
    };
    walk(root, "");
    return found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

/** sha256 (hex) over each file's relative path, size and bytes, in the given order. */
export function hashFiles(files: readonly UploadFile[]): string {
    const hash = createHash("sha256");
    for (const file of files) {
        const bytes = fs.readFileSync(file.absolutePath);
        hash.update(`${file.relativePath}\0${bytes.length}\0`);
        hash.update(bytes);
    }
    return hash.digest("hex");
}

/** sha256 (hex) of a string. */
export function hashText(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/**
 * JSON with object keys sorted at every level, so that equal values always hash alike. `undefined`
 * members are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        const sorted: Record<string, unknown> = {};
        for (const key of Object.keys(value).sort()) {
            sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
        }
        return sorted;
    }
    return value;
}

/** What one uploaded file or folder is, by content. */
export interface ContentDigest {
    /** sha256 (hex) of the files. */
    readonly hash: string;
    /** The uploaded files, sorted. */
    readonly files: readonly UploadFile[];
    /**
     * The name the upload keeps under `LocalUpload/<hash>/` (the folder's or the file's own name), as the
     * SDK does.
     */
    readonly uploadName: string;
    /** True for a folder: its files go under `<uploadName>/`; a single file is `<uploadName>` itself. */
    readonly isFolder: boolean;
}

/** Where a file of the digest goes, relative to `LocalUpload/<hash>/`. */
export function uploadPath(digest: ContentDigest, file: UploadFile): string {
    return digest.isFolder ? `${digest.uploadName}/${file.relativePath}` : digest.uploadName;
}

/** The digest of a folder (every file below it, skipped names left out) or of a single file. */
export function digestPath(target: string): ContentDigest {
    const uploadName = path.basename(target);
    const isFolder = fs.statSync(target).isDirectory();
    const files = isFolder ? listFiles(target) : [{ relativePath: uploadName, absolutePath: target }];
    return { hash: hashFiles(files), files, uploadName, isFolder };
}
