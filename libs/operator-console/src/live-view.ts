/**
 * One block of lines redrawn in place on a terminal, or printed as plain lines elsewhere (a pipe, a
 * log file, CI), so output meant for people never fills a log with screen redraws.
 *
 * In place: the cursor goes back up over the previous frame, every line is rewritten and cleared
 * to its end, and whatever the previous frame had below is cleared. Lines are cut to the terminal
 * width, since a wrapped line would take two rows and the next redraw would go up one row too few.
 */
export interface LiveOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width; undefined when unknown. */
  columns?: number;
}

export interface LiveFrame {
  /** The full screen, drawn in place on a terminal. */
  screen: readonly string[];
  /** What is printed instead when the output is not a terminal. */
  plain: readonly string[];
}

const ESC = '\x1b[';

export class LiveView {
  private drawnRows = 0;

  constructor(private readonly out: LiveOutput) {}

  /** Whether frames are redrawn in place. */
  get inPlace(): boolean {
    return this.out.isTTY === true;
  }

  show(frame: LiveFrame): void {
    if (!this.inPlace) {
      if (frame.plain.length > 0) this.out.write(`${frame.plain.join('\n')}\n`);
      return;
    }
    const width = this.out.columns && this.out.columns > 1 ? this.out.columns - 1 : undefined;
    const rows = frame.screen.map((l) => (width !== undefined && l.length > width ? l.slice(0, width) : l));
    const up = this.drawnRows > 0 ? `${ESC}${this.drawnRows}F` : '';
    this.out.write(`${up}${rows.map((r) => `${r}${ESC}K\n`).join('')}${ESC}J`);
    this.drawnRows = rows.length;
  }
}
