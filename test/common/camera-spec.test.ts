import { describe, expect, it } from 'vitest';
import { CameraSpec } from '../../common/api';
import { cameraSpec, parseCameraSpec } from '../../common/camera-spec';

describe('parseCameraSpec', () => {
  it('splits each source kind at its prefix', () => {
    expect(parseCameraSpec('folder:/line/cam1')).toEqual({ kind: 'folder', target: '/line/cam1', capturedByUi: false });
    expect(parseCameraSpec('file:C:\\parts\\a:b.png')).toEqual({ kind: 'file', target: 'C:\\parts\\a:b.png', capturedByUi: false });
    expect(parseCameraSpec('webcam')).toEqual({ kind: 'webcam', target: '', capturedByUi: true });
    expect(parseCameraSpec('webcam:abc123')).toEqual({ kind: 'webcam', target: 'abc123', capturedByUi: true });
  });

  it('claims no spec the api refuses, and every spec it accepts', () => {
    for (const spec of ['', 'folder', 'folderx:/a', 'gige:1', 'webcams']) {
      expect(parseCameraSpec(spec), spec).toBeNull();
      expect(CameraSpec.safeParse(spec).success, spec).toBe(false);
    }
    for (const spec of ['webcam', 'webcam:1', 'folder:/a', 'file:/a.png']) expect(CameraSpec.safeParse(spec).success && parseCameraSpec(spec) !== null, spec).toBe(true);
  });

  it('builds specs back from kind and target', () => {
    expect(cameraSpec('folder', '/a')).toBe('folder:/a');
    expect(cameraSpec('webcam', '')).toBe('webcam');
    expect(cameraSpec('webcam', 'id')).toBe('webcam:id');
  });
});
