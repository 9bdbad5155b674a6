import { migratedTemplate } from 'retort-migrate/testing';

export default async function setup(): Promise<void> {
  const template = await migratedTemplate({ cwd: import.meta.dirname });
  console.log(`template ${template.name}: ${template.created ? 'migrated' : 'reused'}`);
}
