/** What a tenant has done to one of its keys when it is reported leaked. */
export enum LeakedKeyAction {
  /** The key stops working at once, for good (the default). */
  REVOKE = "REVOKE",
  /** The key stops working until someone enables it again. */
  DISABLE = "DISABLE",
  /** Nothing changes: the leak is audited and sent as an event for a person to act on. */
  NOTIFY = "NOTIFY",
}
