import { z } from 'zod';
import { defineRecord } from '../../store/index.js';

/** A server's choices, set with /config. */
export const SettingsSchema = z.object({
  article: z.string().nullable(),
  hostRoleId: z.string().nullable(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const settingsRecord = defineRecord({
  key: 'settings',
  version: 1,
  schema: SettingsSchema,
  initial: (): Settings => ({ article: null, hostRoleId: null }),
});
