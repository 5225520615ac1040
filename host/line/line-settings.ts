// The schema lives in common/ so the API's params (common/api.ts) validate a settings change with it.
export * from '../../common/line-settings';
