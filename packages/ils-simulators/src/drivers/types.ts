/**
 * What the conformance suite (and the service's chaos test) needs from an ILS, through the vendor's own API only — never a
 * simulator's database or its /_sim/ state dump — so the same suite runs against a real sandbox.
 *
 * The desk does what circulation staff do; the probe reads ILS state.
 */
export interface TemporaryItemView {
  barcode: string;
  title: string;
  /** every note the ILS shows on the item, joined */
  notes: string;
  location: string;
  /** library use only / non-circulating */
  libraryUseOnly: boolean;
  onLoan: boolean;
}

export interface HoldView {
  patronId: string;
  /** normalised: pending (not yet on the shelf), ready (on hold shelf), in-transit, fulfilled, cancelled */
  status: 'pending' | 'ready' | 'in-transit' | 'fulfilled' | 'cancelled';
  pickupLocation: string;
}

export interface LoanView {
  patronId: string;
  dueDate: string;
}

export interface FeeView {
  amount: number;
  feeType: string;
  comment: string;
}

export interface LocationView {
  /** where the item is shelved permanently */
  permanentLocation: string;
  /** the temporary location it sits in now, if any */
  temporaryLocation?: string | undefined;
}

export interface IlsDesk {
  /** check an item in at a circulation desk: the hold's pickup library, another library, or the item's own (home) library */
  checkIn(barcode: string, at: 'pickup' | 'elsewhere' | 'home'): Promise<void>;
  /** check an item out to a patron; resolves to the due date, or throws with the ILS's refusal */
  checkOut(barcode: string, patronId: string): Promise<{ dueDate: string }>;
  /**
   * renew (or extend) a patron's loan at the desk to a later date, as circulation staff can (seed
   * 004: "WMS may allow you to generate a renewal"); resolves to the new due date. Absent: the
   * vendor API offers staff no way to, and @circulation-renewal is declared unsupported.
   */
  renew?(barcode: string, patronId: string, dueDate: string): Promise<{ dueDate: string }>;
  /**
   * Where the vendor API renews only by the loan rule (Sierra's checkout renewal), give the item
   * a type whose rule lets the desk renew it, as the library's cataloguer would. Absent: the
   * desk's renewal is a staff date change no rule stops.
   */
  makeRenewable?(barcode: string): Promise<void>;
}

export interface IlsProbe {
  item(barcode: string): Promise<TemporaryItemView | null>;
  /** how many items the ILS has with this barcode (for "exactly one") */
  countItems(barcode: string): Promise<number>;
  holds(barcode: string): Promise<HoldView[]>;
  loan(barcode: string): Promise<LoanView | null>;
  fees(patronId: string): Promise<FeeView[]>;
  location(barcode: string): Promise<LocationView>;
}

/** Demo identities the suite acts with; taken from the simulator seed, or given for a real ILS. */
export interface IlsFixture {
  /** expired: a patron whose registration has run out (no block of its own); `other`: a second
   * patron in good standing, to correct a request to */
  patrons: { good: string; blocked: string; expired: string; unknown: string; other: string };
  /** the borrowing library symbol the lending library has an account mapped for */
  partnerSymbol: string;
  partnerAccount: string;
  defaultAccount: string;
  /** on-shelf items lending scenarios may ship, one per scenario */
  lendableItems: string[];
  /** pickup location code for holds */
  pickupLocation: string;
  /** another pickup location the ILS has (a pickup corrected after the hold moves there) */
  otherPickupLocation: string;
  /**
   * an ILL shelving location the ILS has besides the ILL location, for temporary items
   * (`borrowing.shelvingLocation`); absent where @shelving-location is declared unsupported
   */
  shelvingLocation?: string | undefined;
  /** closed weekdays/dates of the library calendar, so expected due dates skip them too */
  calendar: { closedWeekdays: number[]; closedDates: string[] };
}

export interface IlsDriver {
  ils: string;
  /**
   * The body (minus symbol and name) for the service's `POST /v1/libraries` that connects a
   * library to this ILS: connection, settings (ILL location, item policies, calendar, borrower
   * identifier map with fixture.partnerSymbol → fixture.partnerAccount and the default account),
   * pickup locations. The suite creates a fresh library from it for every scenario.
   */
  libraryConfig(role: 'borrowing' | 'lending'): Record<string, unknown>;
  /** capability tags this ILS does not support: scenarios tagged with them are declared unsupported */
  unsupported: string[];
  desk: IlsDesk;
  probe: IlsProbe;
  fixture: IlsFixture;
}

/** Where the ILS under test answers. `origin` is scheme://host:port; each driver adds the vendor's paths. */
export interface DriverTarget {
  origin: string;
  /** credentials for the vendor API; defaults to the simulator's demo credentials */
  credentials?: Record<string, string>;
  /**
   * How to reach it; default the global fetch. In-process tests pass the simulator's own
   * `app.request`, so the same desk and probe read a simulator without a socket.
   */
  fetch?: DriverFetch;
}

export type DriverFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Every ILS driver module exports one of these (registered in registry.ts). */
export type DriverFactory = (target: DriverTarget) => IlsDriver;
