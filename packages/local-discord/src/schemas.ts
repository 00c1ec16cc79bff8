import { z } from 'zod';

/**
 * Minimal shapes of the bodies the double accepts. They check the fields the
 * double reads (and that Discord would reject with 50035 when mistyped); other
 * fields pass through untouched and are echoed back like Discord does.
 */

const text = z.string();

export const embedSchema = z.looseObject({
  title: text.nullish(),
  description: text.nullish(),
  url: text.nullish(),
  color: z.number().int().nullish(),
  timestamp: text.nullish(),
  footer: z.looseObject({ text, icon_url: text.nullish() }).nullish(),
  author: z.looseObject({ name: text, url: text.nullish(), icon_url: text.nullish() }).nullish(),
  image: z.looseObject({ url: text }).nullish(),
  thumbnail: z.looseObject({ url: text }).nullish(),
  fields: z.array(z.looseObject({ name: text, value: text, inline: z.boolean().nullish() })).nullish(),
});
export type WireEmbed = z.infer<typeof embedSchema>;

const emojiSchema = z.looseObject({ id: text.nullish(), name: text.nullish(), animated: z.boolean().nullish() });

const selectOptionSchema = z.looseObject({
  label: text,
  value: text,
  description: text.nullish(),
  default: z.boolean().nullish(),
  emoji: emojiSchema.nullish(),
});

/** Any message component, v1 or v2: the fields the double reads. */
export const componentSchema = z.looseObject({
  type: z.number().int(),
  id: z.number().int().nullish(),
  custom_id: text.nullish(),
  label: text.nullish(),
  style: z.number().int().nullish(),
  url: text.nullish(),
  disabled: z.boolean().nullish(),
  emoji: emojiSchema.nullish(),
  placeholder: text.nullish(),
  min_values: z.number().int().nullish(),
  max_values: z.number().int().nullish(),
  options: z.array(selectOptionSchema).nullish(),
  content: text.nullish(),
  value: text.nullish(),
  required: z.boolean().nullish(),
  get components(): z.ZodOptional<z.ZodNullable<z.ZodArray<typeof componentSchema>>> {
    return z.array(componentSchema).nullish();
  },
  get component(): z.ZodOptional<z.ZodNullable<typeof componentSchema>> {
    return componentSchema.nullish();
  },
  get accessory(): z.ZodOptional<z.ZodNullable<typeof componentSchema>> {
    return componentSchema.nullish();
  },
});
export type WireComponent = z.infer<typeof componentSchema>;

export const pollCreateSchema = z.looseObject({
  question: z.looseObject({ text }),
  answers: z.array(
    z.looseObject({ poll_media: z.looseObject({ text: text.nullish(), emoji: emojiSchema.nullish() }) }),
  ),
  duration: z.number().int().nullish(),
  allow_multiselect: z.boolean().nullish(),
  layout_type: z.number().int().nullish(),
});
export type PollCreateBody = z.infer<typeof pollCreateSchema>;

export const allowedMentionsSchema = z.looseObject({
  parse: z.array(z.enum(['users', 'roles', 'everyone'])).nullish(),
  users: z.array(text).nullish(),
  roles: z.array(text).nullish(),
  replied_user: z.boolean().nullish(),
});
export type AllowedMentions = z.infer<typeof allowedMentionsSchema>;

/** Create or edit a message: channel message, webhook/follow-up, interaction reply or update. */
export const messageBodySchema = z.looseObject({
  content: text.nullish(),
  embeds: z.array(embedSchema).nullish(),
  components: z.array(componentSchema).nullish(),
  poll: pollCreateSchema.nullish(),
  flags: z.number().int().nullish(),
  tts: z.boolean().nullish(),
  allowed_mentions: allowedMentionsSchema.nullish(),
  attachments: z
    .array(z.looseObject({ id: z.union([text, z.number()]), filename: text.nullish(), description: text.nullish() }))
    .nullish(),
  message_reference: z
    .looseObject({
      message_id: text.nullish(),
      channel_id: text.nullish(),
      guild_id: text.nullish(),
      fail_if_not_exists: z.boolean().nullish(),
      type: z.number().int().nullish(),
    })
    .nullish(),
});
export type MessageBody = z.infer<typeof messageBodySchema>;

export const callbackBodySchema = z.looseObject({ type: z.number().int(), data: z.unknown().optional() });

export const choiceSchema = z.looseObject({ name: text, value: z.union([text, z.number()]) });
export const autocompleteDataSchema = z.looseObject({ choices: z.array(choiceSchema) });

export const commandOptionSchema = z.looseObject({
  type: z.number().int(),
  name: text,
  description: text.nullish(),
  required: z.boolean().nullish(),
  autocomplete: z.boolean().nullish(),
  choices: z.array(choiceSchema).nullish(),
  min_value: z.number().nullish(),
  max_value: z.number().nullish(),
  min_length: z.number().int().nullish(),
  max_length: z.number().int().nullish(),
  channel_types: z.array(z.number().int()).nullish(),
  get options(): z.ZodOptional<z.ZodNullable<z.ZodArray<typeof commandOptionSchema>>> {
    return z.array(commandOptionSchema).nullish();
  },
});
export type CommandOptionBody = z.infer<typeof commandOptionSchema>;

export const commandBodySchema = z.looseObject({
  name: text,
  description: text.nullish(),
  type: z.number().int().nullish(),
  options: z.array(commandOptionSchema).nullish(),
  default_member_permissions: text.nullish(),
  dm_permission: z.boolean().nullish(),
  contexts: z.array(z.number().int()).nullish(),
  integration_types: z.array(z.number().int()).nullish(),
  nsfw: z.boolean().nullish(),
  name_localizations: z.record(text, text).nullish(),
  description_localizations: z.record(text, text).nullish(),
});
export type CommandBody = z.infer<typeof commandBodySchema>;

export const commandPatchSchema = commandBodySchema.partial();

export const threadBodySchema = z.looseObject({
  name: text,
  auto_archive_duration: z.number().int().nullish(),
  rate_limit_per_user: z.number().int().nullish(),
  type: z.number().int().nullish(),
  invitable: z.boolean().nullish(),
});
