package dev.fleetroll.state;

/**
 * What an audit keeps so that the next audit of the host can skip the files that did not change
 * ({@code dev.fleetroll.remote.AuditKnown}): the stat lines the host printed ({@code "MODE OWNER GROUP SIZE MTIME INODE
 * CTIME"}, exactly as printed), the host's clock when it printed them, and the resident shell the audit ran in. A file
 * has a stat line here only when its facts were read without any problem. Never shown to operators.
 *
 * @param version {@link #VERSION} of the fleetroll that made it: a memo of another version is not used, so that a
 *                changed parser reads every file again once
 * @param shell id of the resident shell the audit ran in ({@code $FLEETROLL_RESIDENT}); null outside one
 * @param clock the host's clock (epoch seconds) when it ran the stat; null when it could not tell
 * @param override stat line of the override file; null when absent or not usable
 * @param vault stat line of the vault file
 * @param puppetPath path of the run record that was read (Puppet run metadata JSON, or Puppet's summary)
 * @param puppet its stat line
 */
public record AuditMemo(int version, String shell, Long clock, String override, String vault, String puppetPath,
                        String puppet) {
    /** Bump when the parsing of override, vault or run record changes what an observation holds. */
    public static final int VERSION = 1;
}
