// Validates a glTF or GLB file with the Khronos glTF Validator (the npm package
// `gltf-validator`, Apache-2.0, at the version pinned in package.json and package-lock.json
// beside this file; tools/setup.sh --test installs it into node_modules here with `npm ci`) and
// prints its report as JSON: `issues` (numErrors, numWarnings, messages) and `info`
// (extensions, vertex and triangle counts). Exits 1 when the file has errors, 2 when it cannot
// be read or the validator is not installed.
//
// Usage: node tools/gltf-validator/validate.mjs FILE.glb
import { readFileSync } from 'node:fs';

let validator;
try {
    validator = (await import('gltf-validator')).default;
} catch (error) {
    console.error(
        'The Khronos glTF Validator is not installed: run tools/setup.sh --test (installs it ' +
            'from npm into tools/gltf-validator/node_modules). ' + error.message
    );
    process.exit(2);
}
const path = process.argv[2];
let bytes;
try {
    bytes = new Uint8Array(readFileSync(path));
} catch (error) {
    console.error(`${path}: ${error.message}`);
    process.exit(2);
}
const report = await validator.validateBytes(bytes, { maxIssues: 100 });
console.log(JSON.stringify({ issues: report.issues, info: report.info }, null, 1));
process.exit(report.issues.numErrors > 0 ? 1 : 0);
