/**
 * Schema 10: the name of the camera frame an inspection was taken from (issue 21), e.g. the file
 * name a folder camera played, so an export can be traced back to the line's own images. NULL for
 * a webcam still or an upload, and for inspections recorded before this schema.
 */
export const up = `
ALTER TABLE inspections ADD COLUMN source_name TEXT;
`;
