import { byId, listsById } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { WebhookRow, WebhookTable } from './tables/deployments.js';

export type WebhookFields = Pick<
  WebhookTable,
  'name' | 'url' | 'events' | 'all_jobs' | 'active' | 'secret'
>;

async function insertWebhookJobs(
  db: Db,
  webhookId: number,
  jobIds: readonly number[],
): Promise<void> {
  if (jobIds.length === 0) return;
  await db
    .insertInto('webhook_jobs')
    .values(jobIds.map((jobId) => ({ webhook_id: webhookId, job_id: jobId })))
    .execute();
}

/** Inserts a webhook with its jobs. Several statements: call it inside a transaction. */
export async function insertWebhook(
  db: Db,
  webhook: WebhookFields & { account_id: number; jobIds: readonly number[]; now: string },
): Promise<WebhookRow> {
  const { jobIds, now, ...fields } = webhook;
  const row = await db
    .insertInto('webhooks')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertWebhookJobs(db, row.id, jobIds);
  return row;
}

/** The account's webhooks with these ids (others are silently absent). */
export async function findWebhooksByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<WebhookRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

export async function listWebhooks(
  db: Db,
  accountId: number,
  page: PageRequest,
): Promise<Page<WebhookRow>> {
  let query = db.selectFrom('webhooks').selectAll().where('account_id', '=', accountId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(
    await query
      .orderBy('id')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countWebhooks(db: Db, accountId: number): Promise<number> {
  const { count } = await db
    .selectFrom('webhooks')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/**
 * Updates the webhook; with `jobIds`, replaces its job list. Several statements: call it inside
 * a transaction.
 */
export async function updateWebhook(
  db: Db,
  id: number,
  changes: Partial<WebhookFields> & { jobIds?: readonly number[]; now: string },
): Promise<WebhookRow> {
  const { jobIds, now, ...fields } = changes;
  if (jobIds !== undefined) {
    await db.deleteFrom('webhook_jobs').where('webhook_id', '=', id).execute();
    await insertWebhookJobs(db, id, jobIds);
  }
  return db
    .updateTable('webhooks')
    .set({ ...fields, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes the webhook with its job list (foreign keys cascade). */
export async function deleteWebhook(db: Db, id: number): Promise<void> {
  await db.deleteFrom('webhooks').where('id', '=', id).execute();
}

/** The job ids of each webhook, ascending, keyed by webhook id. */
export async function listJobIdsOfWebhooks(
  db: Db,
  webhookIds: readonly number[],
): Promise<Map<number, number[]>> {
  const byWebhook = new Map<number, number[]>();
  if (webhookIds.length === 0) return byWebhook;
  const rows = await db
    .selectFrom('webhook_jobs')
    .select(['webhook_id', 'job_id'])
    .where('webhook_id', 'in', webhookIds)
    .orderBy('job_id')
    .execute();
  for (const row of rows) {
    const list = byWebhook.get(row.webhook_id) ?? [];
    list.push(row.job_id);
    byWebhook.set(row.webhook_id, list);
  }
  return byWebhook;
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  webhook: byId(findWebhooksByIds),
  jobIdsOfWebhook: listsById(listJobIdsOfWebhooks),
};
