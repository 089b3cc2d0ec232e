// Runs in every test file (vitest setupFiles): drops the PostgreSQL databases the file created.
import { afterAll } from 'vitest';
import { dropTestDatabases } from './database.js';

afterAll(() => dropTestDatabases(), 300_000);
