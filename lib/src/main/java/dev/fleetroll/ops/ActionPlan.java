package dev.fleetroll.ops;

import java.util.List;

/**
 * What a change will do, shown before it happens and decided on by a {@link WriteGate}: a file write
 * ({@link WritePlan}), a Taskcluster quarantine ({@link QuarantinePlan}) a Puppet run ({@link PuppetRunPlan}) or a rollout step ({@link RolloutStep}). The gate's policy (confirm, dry run,
 * refuse without a terminal) is the same for every kind; only the rendering differs.
 */
public sealed interface ActionPlan permits WritePlan, QuarantinePlan, PuppetRunPlan, RolloutStep, RebootPlan {

    /** The hosts the change is for. */
    List<String> hosts();

    /** The DSL verb ({@code setOverride}, {@code quarantine}), for "refused" messages. */
    String verb();

    /** For humans, lower case: {@code set override}, {@code quarantine}. */
    String title();
}
