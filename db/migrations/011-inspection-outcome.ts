/**
 * Schema 11: an inspection of an image that is not the recipe's product at all (issue 21): an empty
 * view (`no-part`) or something else (`wrong-part`: another part, a test pattern). The verdict stays
 * FAIL (the verdict vocabulary is fixed); this says why, so the UI, the history and the dialog do
 * not describe a defect. NULL for a part of the product and for inspections recorded before.
 */
export const up = `
ALTER TABLE inspections ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome IN ('no-part', 'wrong-part'));
`;
