package dev.fleetroll.auditlog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the audit log: a mutating action on one host ({@code host}) or a batch-level decision about several
 * ({@code hosts}: a dry run, a refused or declined plan, a rejected file).
 *
 * <p>Conventions: {@code action} is {@code <thing>.<verb>} ({@code override.set}, {@code override.unset},
 * {@code vault.set}); {@code outcome} is the per-host outcome ({@code changed}, {@code unchanged}, {@code blocked},
 * {@code failed}, {@code unreachable}) or the batch decision ({@code dry-run}, {@code refused}, {@code declined},
 * {@code invalid}); {@code parameters} is what was asked (sha256, mode, owner, ...; never vault content), and
 * {@code observed} what the host reported (old and new sha256, backup path, error). Rollouts put their gate
 * configuration in {@code parameters.gates} and the gate state in {@code observed.gates}.
 *
 * @param ts when the record was made, millisecond precision, UTC
 * @param prev sha256 (hex) of the previous line of the log, {@link AuditLog#GENESIS} for the first; set by
 *     {@link AuditLog#append}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"ts", "actor", "action", "host", "hosts", "ok", "outcome", "dry_run", "forced", "reason",
    "parameters", "observed", "prev"})
public record AuditRecord(
        @JsonProperty("ts") Instant ts,
        @JsonProperty("actor") String actor,
        @JsonProperty("action") String action,
        @JsonProperty("host") String host,
        @JsonProperty("hosts") List<String> hosts,
        @JsonProperty("ok") boolean ok,
        @JsonProperty("outcome") String outcome,
        @JsonProperty("dry_run") boolean dryRun,
        @JsonProperty("forced") boolean forced,
        @JsonProperty("reason") String reason,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("observed") Map<String, Object> observed,
        @JsonProperty("prev") String prev) {

    public AuditRecord {
        Objects.requireNonNull(action, "action");
        hosts = hosts == null ? null : List.copyOf(hosts);
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        observed = observed == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(observed));
    }

    /** True when this record concerns {@code name}, as its single host or as one of its batch's hosts. */
    public boolean concerns(String name) {
        return name.equals(host) || hosts != null && hosts.contains(name);
    }

    AuditRecord withPrev(String sha) {
        return new AuditRecord(ts, actor, action, host, hosts, ok, outcome, dryRun, forced, reason, parameters, observed, sha);
    }

    AuditRecord withDefaults(Instant now, String defaultActor) {
        return new AuditRecord(ts == null ? now : ts, actor == null ? defaultActor : actor, action, host, hosts, ok, outcome,
                dryRun, forced, reason, parameters, observed, prev);
    }

    public static Builder builder(String action) {
        return new Builder(action);
    }

    /** Builds a record; {@code ts} and {@code actor} default to now and the log's actor when left unset. */
    public static final class Builder {
        private final String action;
        private Instant ts;
        private String actor;
        private String host;
        private List<String> hosts;
        private boolean ok;
        private String outcome;
        private boolean dryRun;
        private boolean forced;
        private String reason;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private final Map<String, Object> observed = new LinkedHashMap<>();

        private Builder(String action) {
            this.action = action;
        }

        public Builder ts(Instant v) { ts = v; return this; }
        public Builder actor(String v) { actor = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder hosts(List<String> v) { hosts = v; return this; }
        public Builder ok(boolean v) { ok = v; return this; }
        public Builder outcome(String v) { outcome = v; return this; }
        public Builder dryRun(boolean v) { dryRun = v; return this; }
        public Builder forced(boolean v) { forced = v; return this; }
        public Builder reason(String v) { reason = v; return this; }
        public Builder parameters(Map<String, ?> v) { parameters.putAll(v); return this; }
        public Builder parameter(String k, Object v) { parameters.put(k, v); return this; }
        public Builder observed(Map<String, ?> v) { observed.putAll(v); return this; }
        public Builder observed(String k, Object v) { observed.put(k, v); return this; }

        public AuditRecord build() {
            return new AuditRecord(ts, actor, action, host, hosts, ok, outcome, dryRun, forced, reason, parameters, observed, null);
        }
    }
}
