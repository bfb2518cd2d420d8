/** Types for scripts/package-teams.js (plain node so it runs without a build). */

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export interface PackageSettings {
  appId?: string;
  domain?: string;
}

/** The manifest template with the app id and domain filled in; throws naming what to set. */
export function buildManifest<T>(template: T, settings: PackageSettings): T;
/** The Teams app package (zip) built from manifest/teams. */
export function buildPackage(settings: PackageSettings): Buffer;
export function createZip(entries: ZipEntry[]): Buffer;
export function crc32(data: Buffer): number;
export function drawIcons(): { color: Buffer; outline: Buffer };
export function encodePng(width: number, height: number, rgba: Buffer): Buffer;
export const PLACEHOLDER_ID: string;
export const PLACEHOLDER_DOMAIN: string;
