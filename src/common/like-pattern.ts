/** A term for LIKE, matched literally: its %, _ and \ lose their meaning. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`);
