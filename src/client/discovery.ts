// The typed documents of the metadata (Discovery) API, generated from
// schema/discovery-operations/: use them with a client (createTollgateClient) whose url is the
// gateway's /discovery/graphql endpoint.
export * from './generated/discovery/graphql.js';
