/** The guest agent's version as reported in every status; kept equal to package.json (a test checks). */
export const AGENT_VERSION = '0.1.0';
