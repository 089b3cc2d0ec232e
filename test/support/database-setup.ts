// Runs in every test file (vitest setupFiles): closes the PostgreSQL pools the file opened and
// drops (or, under TEST_DATABASE_URL, empties for reuse) the databases it made.
import { afterAll } from 'vitest';
import { dropTestDatabases } from './database.js';

afterAll(() => dropTestDatabases(), 300_000);
