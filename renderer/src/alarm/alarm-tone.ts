/**
 * The alarm tone, generated with Web Audio (no sound file to ship or lose): a 880 Hz square wave
 * gated on and off four times a second by a low-frequency square wave, loud enough to carry over
 * a line without being a siren.
 */
const PITCH_HZ = 880;
const PULSE_HZ = 4;
const VOLUME = 0.25;

export type ToneState = 'off' | 'playing' | 'blocked';

export class AlarmTone {
  private context: AudioContext | null = null;
  private nodes: AudioScheduledSourceNode[] = [];

  /**
   * Starts the tone; resolves with 'playing' once the audio context runs, 'blocked' when the
   * browser keeps it suspended (no user gesture on this page yet).
   */
  async start(): Promise<ToneState> {
    this.stop();
    const ctx = (this.context ??= new AudioContext());
    if (ctx.state === 'suspended') await ctx.resume().catch(() => undefined);
    const tone = ctx.createOscillator();
    tone.type = 'square';
    tone.frequency.value = PITCH_HZ;
    const gate = ctx.createGain();
    gate.gain.value = VOLUME / 2;
    // The pulse swings the gain between 0 and VOLUME: beeps rather than one steady note.
    const pulse = ctx.createOscillator();
    pulse.type = 'square';
    pulse.frequency.value = PULSE_HZ;
    const depth = ctx.createGain();
    depth.gain.value = VOLUME / 2;
    pulse.connect(depth).connect(gate.gain);
    tone.connect(gate).connect(ctx.destination);
    tone.start();
    pulse.start();
    this.nodes = [tone, pulse];
    return ctx.state === 'running' ? 'playing' : 'blocked';
  }

  stop(): void {
    for (const n of this.nodes) {
      n.stop();
      n.disconnect();
    }
    this.nodes = [];
  }

  close(): void {
    this.stop();
    void this.context?.close();
    this.context = null;
  }
}
