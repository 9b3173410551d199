/** The agent's version, as package.json says (a test keeps the two equal). */
export const AGENT_VERSION = '0.1.0';
