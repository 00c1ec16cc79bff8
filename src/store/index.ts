export { STORE_UNAVAILABLE, StoreUnavailableError } from './availability.js';
export {
  createGuildStore,
  type GuildStore,
  openStore,
  type QuarantinedRecord,
  QuarantinedRecordError,
  type StoredRecordKey,
  type StoreOptions,
  type Update,
} from './guild-store.js';
export { DEFAULT_STORE_URL, parseStoreUrl } from './open-keyv.js';
export { defineRecord, type QuarantineEntry, type RecordFamilyDefinition, type RecordType } from './record.js';
