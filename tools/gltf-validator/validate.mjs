// Validates a glTF or GLB file with the Khronos glTF Validator (vendored beside this file,
// version 2.0.0-dev.3.10, Apache-2.0: see LICENSE and NOTICES here) and prints its report as
// JSON: `issues` (numErrors, numWarnings, messages) and `info` (extensions, vertex and
// triangle counts). Exits 1 when the file has errors, 2 when it cannot be read.
//
// Usage: node tools/gltf-validator/validate.mjs FILE.glb
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const validator = createRequire(import.meta.url)('./index.js');
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
