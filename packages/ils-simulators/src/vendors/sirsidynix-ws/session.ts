/**
 * Web Services sessions: a client id configured in the ILS on every call (`x-sirs-clientID`),
 * a session token from a staff or patron login (`x-sirs-sessionToken`), and an idle timeout after
 * which the token answers `sessionTimedOut` — clients log in again and retry.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';

export interface StaffAccount {
  login: string;
  password: string;
  /** the staff user's key (`staffKey` in the login answer) */
  key: string;
  name: string;
  /** the library the account works in: the default `SD-Working-LibraryID` */
  library: string;
}

/** Who logged in, and the library they work in (the default `SD-Working-LibraryID`). */
export type SessionOwner = { library: string } & ({ role: 'STAFF'; staff: StaffAccount } | { role: 'PATRON'; patronId: number });
export type Session = SessionOwner & { token: string; lastUsed: number };

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    private readonly idleTimeoutMs: number,
  ) {}

  open(session: SessionOwner): Session {
    // Lower-case UUIDs: what clients such as libilsws validate tokens against.
    const opened: Session = { ...session, token: randomUUID(), lastUsed: this.clock.now().getTime() };
    this.sessions.set(opened.token, opened);
    return opened;
  }

  /** The live session of a token, sliding its idle timeout; undefined when unknown or timed out. */
  touch(token: string): Session | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    const now = this.clock.now().getTime();
    if (now - session.lastUsed > this.idleTimeoutMs) {
      this.sessions.delete(token);
      return undefined;
    }
    session.lastUsed = now;
    return session;
  }

  close(token: string): void {
    this.sessions.delete(token);
  }

  clear(): void {
    this.sessions.clear();
  }
}
