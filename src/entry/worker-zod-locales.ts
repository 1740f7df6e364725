/**
 * zod's `locales` as the Workers bundle has them (wrangler.toml, [alias]): English only. zod's
 * classic API re-exports its error messages in 40-odd languages as `z.locales`, which the bundler
 * cannot drop and Tamis never reads (it answers in its own words; zod's English is set by zod
 * itself): about 38 KiB of the gzipped bundle. Only zod imports this path (`../locales/index.js`).
 */
export { default as en } from 'zod/v4/locales/en.js';
