import { StationError } from '../../common/errors';
import type { CameraSourceType } from './camera-source';

/** The webcam is captured by the UI (getUserMedia) and its stills arrive with inspect: the host only describes it. */
export const webcamSource: CameraSourceType = {
  kind: 'webcam',
  describe: () => 'Webcam (captured by the UI)',
  startupRoot: () => null,
  open() {
    return Promise.reject(notHostSource());
  },
};

export function notHostSource(): StationError {
  return new StationError('INVALID_INPUT', 'Webcam frames are captured by the UI and sent with inspect; open folder:DIR or file:IMAGE here');
}
