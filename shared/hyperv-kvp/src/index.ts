export * from './windows-release.js';
