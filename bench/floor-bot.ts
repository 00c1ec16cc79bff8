import { Client, Events, GatewayIntentBits } from 'discord.js';

/**
 * The floor: a bare discord.js client with the bot's intents (src/app/bot.ts
 * INTENTS; the bench checks both IDENTIFYs carry the same ones), pointed at the
 * same kind of API, answering every command and button with fixed text and
 * storing nothing. Whatever the bot costs above this is the bot's own.
 */

const token = process.env.DISCORD_TOKEN ?? '';
const api = process.env.DISCORD_API_URL ?? '';
const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api } });
client.on(Events.InteractionCreate, (interaction) => {
  if (interaction.isRepliable()) interaction.reply({ content: 'ok' }).catch(() => undefined);
});
client.once(Events.ClientReady, (ready) => {
  // The same shape as the bot's pino line, so the bench waits for both the same way.
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), msg: 'ready', guilds: ready.guilds.cache.size })}\n`,
  );
});
process.on('SIGTERM', () => {
  void client.destroy().finally(() => process.exit(0));
});
await client.login(token);
