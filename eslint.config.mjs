// Lint: typescript-eslint's recommended rules plus Pulumi's, which catch an Output used in a template
// string (it would print "Calling [toString] on an Output<T> is not supported").
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", "dist/", "lib/", "**/*.js", "**/*.mjs", "out/", "**/node_modules/"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        plugins: { "@pulumi": pulumi },
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
);
