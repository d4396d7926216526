package dev.fleetroll.state;

/**
 * The assignments an override file makes (each null when the file does not set it).
 *
 * @param repo {@code PUPPET_REPO}, e.g. {@code https://github.com/OWNER/REPO.git}
 * @param branch {@code PUPPET_BRANCH}
 * @param mail {@code PUPPET_MAIL}
 * @param workerType {@code WORKER_TYPE_OVERRIDE} when set and not commented out
 */
public record OverrideSettings(String repo, String branch, String mail, String workerType) {}
