#!/usr/bin/env node
/**
 * Measures the project's speed targets and prints the figures (never a timed test: machines vary).
 *
 * For each command: wall time, and two peaks of memory sampled every 20 ms from /proc: the whole
 * process tree (the sum of the resident set sizes of the command and all its descendants) and the
 * largest single process in it (what GNU time's "maximum resident set size" reports), over several runs.
 * Usage: npm run bench [-- --runs N] [-- --only NAME]
 */
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const { parseArgs } = require("node:util");

const TARGETS = [
    { name: "test:unit", command: "npm run --silent test:unit", target: "<= 8 s, <= 700 MB" },
    { name: "plan", command: "npm run --silent plan", target: "< 2 s" },
    { name: "test (full)", command: "npm test --silent", target: "reported" },
];

function descendants(rootPid) {
    const children = new Map();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            if (!children.has(ppid)) children.set(ppid, []);
            children.get(ppid).push(Number(entry));
        } catch {
            // The process ended while we looked.
        }
    }
    const all = [rootPid];
    for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]) ?? []));
    return all;
}

function rssBytes(pid) {
    try {
        const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : 0;
    } catch {
        return 0;
    }
}

function measure(command) {
    return new Promise((resolve) => {
        const started = process.hrtime.bigint();
        const child = spawn("bash", ["-c", command], { stdio: ["ignore", "ignore", "pipe"] });
        let peak = 0;
        let largest = 0;
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        const timer = setInterval(() => {
            const sizes = descendants(child.pid).map(rssBytes);
            peak = Math.max(peak, sizes.reduce((sum, size) => sum + size, 0));
            largest = Math.max(largest, ...sizes);
        }, 20);
        child.on("exit", (code) => {
            clearInterval(timer);
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            resolve({ code, seconds, peakMb: peak / 1024 / 1024, largestMb: largest / 1024 / 1024, stderr });
        });
    });
}

async function main() {
    const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, only: { type: "string" } } });
    const runs = Number(values.runs);
    console.log(`machine: ${require("node:os").cpus().length} cores, node ${process.version}`);
    console.log("| command | target | wall (median of runs) | wall (each) | peak memory, process tree | peak memory, largest process |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const { name, command, target } of TARGETS) {
        if (values.only && values.only !== name) continue;
        const results = [];
        for (let i = 0; i < (name.startsWith("test (full)") ? 1 : runs); i++) {
            const result = await measure(command);
            if (result.code !== 0) {
                console.log(`| ${name} | ${target} | FAILED (exit ${result.code}) | | |`);
                console.error(result.stderr.slice(-2000));
                break;
            }
            results.push(result);
        }
        if (results.length === 0) continue;
        const walls = results.map((r) => r.seconds).sort((a, b) => a - b);
        const median = walls[Math.floor(walls.length / 2)];
        const peak = Math.max(...results.map((r) => r.peakMb));
        const largest = Math.max(...results.map((r) => r.largestMb));
        console.log(`| ${name} | ${target} | ${median.toFixed(2)} s | ${results.map((r) => r.seconds.toFixed(2)).join(", ")} | ${peak.toFixed(0)} MB | ${largest.toFixed(0)} MB |`);
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
