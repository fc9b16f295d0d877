// Validates xAPI statements with the npm package xapi-validation: reads a JSON file holding an
// array of statements, prints every problem found with the statement's verb and path, and exits
// 1 if there is any (2 if the file cannot be read). Usage: node validate.mjs statements.json
import { readFileSync } from 'node:fs';
import validation from 'xapi-validation';

const validate = validation.default ?? validation;
let statements;
try {
  statements = JSON.parse(readFileSync(process.argv[2], 'utf8'));
} catch (error) {
  console.error(`cannot read ${process.argv[2]}: ${error.message}`);
  process.exit(2);
}
if (!Array.isArray(statements) || statements.length === 0) {
  console.error('expected a non-empty array of statements');
  process.exit(2);
}
let problems = 0;
statements.forEach((statement, index) => {
  for (const warning of validate(statement)) {
    problems += 1;
    const verb = statement?.verb?.display?.['en-GB'] ?? '?';
    console.log(`statement ${index} (${verb}): ${warning.path.join('.')}: ${warning.constructor.name}${warning.typeName ? ` (expected ${warning.typeName})` : ''}: ${JSON.stringify(warning.data)}`);
  }
});
console.log(`${statements.length} statement(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
