/** A one-line progress counter on stderr, only when stderr is a terminal and the run is long. */
export class Progress {
  private lastDraw = 0;
  private drawn = false;
  private readonly started = Date.now();
  /** Shown after the record count, e.g. objects and bytes of an S3 replay. */
  detail: string | undefined;

  constructor(private readonly stream: { write(chunk: string): unknown; isTTY?: boolean }) {}

  tick(records: number): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 250 || now - this.started < 1000) return;
    this.lastDraw = now;
    const rate = Math.round(records / ((now - this.started) / 1000));
    this.stream.write(
      `\r\u001b[2K${records.toLocaleString('en-US')} records (${rate.toLocaleString('en-US')}/s)${this.detail ? `, ${this.detail}` : ''}`,
    );
    this.drawn = true;
  }

  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\u001b[2K');
    this.drawn = false;
  }
}
