/** Rules report problems through this callback; the caller adds the object and the source location. */
export type ReportProblem = (field: string, message: string) => void;
