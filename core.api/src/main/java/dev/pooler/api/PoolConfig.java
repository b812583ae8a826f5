package dev.pooler.api;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A pool's configuration: the seed's {@code PoolConfig} with its defaults (size 4, medium priority,
 * overflow sharing, zone {@code default}, capabilities {@code all}) plus how its workers are launched.
 * Instances are immutable and always valid: {@link Builder#build()} refuses a bad value with an
 * {@link InvalidConfigException} that names the field.
 */
public final class PoolConfig {

    /** The capability that means "any command". */
    public static final String ALL = "all";
    public static final int DEFAULT_SIZE = 4;
    public static final int MAX_SIZE = 512;
    public static final String DEFAULT_ZONE = "default";
    /**
     * The framework property naming this node's zone (the launcher's {@code POOLER_ZONE}); a pool whose own zone is
     * {@link #DEFAULT_ZONE} serves in it ({@link #zoneOn}).
     */
    public static final String NODE_ZONE_PROPERTY = "pooler.zone";
    /** The seed's defaults, as configuration values (the one place they are written). */
    public static final String DEFAULT_POOL_TYPE = "general";
    public static final String DEFAULT_PRIORITY = "medium";
    public static final String DEFAULT_SHARING_POLICY = "overflow";
    /** In {@link #allowedTools()}: every tool may be called (the default). */
    public static final String ANY_TOOL = "*";
    public static final String DEFAULT_LAUNCH_MODE = "fork";
    /** Requests written to one worker ahead of its reply: 1 is one request per worker at a time. */
    public static final int DEFAULT_PIPELINE_DEPTH = 1;
    public static final int MAX_PIPELINE_DEPTH = 64;

    /** A pool's own id, then, for a pool imported from another node (DESIGN §10), {@code @} and that node's name. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}(@[A-Za-z0-9_][A-Za-z0-9_.-]{0,63})?");
    private static final Pattern CAPABILITY = Pattern.compile("[a-z0-9_][a-z0-9_.-]*");
    private static final Pattern TOOL = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private final String poolId;
    private final PoolType poolType;
    private final int size;
    private final Priority priority;
    private final SharingPolicy sharingPolicy;
    private final String specialization;
    private final ResourceLimits resourceLimits;
    private final Map<String, String> affinityRules;
    private final String geographicZone;
    private final Set<String> capabilities;
    private final WorkerSpec workerSpec;
    private final Set<String> allowedTools;
    private final LaunchMode launchMode;
    private final int pipelineDepth;

    private PoolConfig(Builder b) {
        this.poolId = b.poolId == null ? "pool_" + UUID.randomUUID().toString().substring(0, 8) : b.poolId;
        this.poolType = b.poolType;
        this.size = b.size;
        this.priority = b.priority;
        this.sharingPolicy = b.sharingPolicy;
        this.specialization = b.specialization == null || b.specialization.isBlank() ? null : b.specialization;
        this.resourceLimits = b.resourceLimits;
        this.affinityRules = Map.copyOf(b.affinityRules);
        this.geographicZone = b.geographicZone;
        this.capabilities = Set.copyOf(b.capabilities);
        this.workerSpec = b.workerSpec;
        this.allowedTools = Set.copyOf(b.allowedTools);
        this.launchMode = b.launchMode;
        this.pipelineDepth = b.pipelineDepth;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.poolId = poolId;
        b.poolType = poolType;
        b.size = size;
        b.priority = priority;
        b.sharingPolicy = sharingPolicy;
        b.specialization = specialization;
        b.resourceLimits = resourceLimits;
        b.affinityRules = new LinkedHashMap<>(affinityRules);
        b.geographicZone = geographicZone;
        b.capabilities = new LinkedHashSet<>(capabilities);
        b.workerSpec = workerSpec;
        b.allowedTools = new LinkedHashSet<>(allowedTools);
        b.launchMode = launchMode;
        b.pipelineDepth = pipelineDepth;
        return b;
    }

    public String poolId() { return poolId; }
    public PoolType poolType() { return poolType; }
    public int size() { return size; }
    public Priority priority() { return priority; }
    public SharingPolicy sharingPolicy() { return sharingPolicy; }
    /** The model or task this pool is specialised for, or {@code null}. */
    public String specialization() { return specialization; }
    public ResourceLimits resourceLimits() { return resourceLimits; }
    public Map<String, String> affinityRules() { return affinityRules; }
    public String geographicZone() { return geographicZone; }
    /**
     * The zone this pool serves in on a node of zone {@code nodeZone}: its own when its configuration names one,
     * else its node's (null or blank: {@link #DEFAULT_ZONE}).
     */
    public String zoneOn(String nodeZone) {
        if (!DEFAULT_ZONE.equals(geographicZone)) {
            return geographicZone;
        }
        return nodeZone == null || nodeZone.isBlank() ? DEFAULT_ZONE : nodeZone.trim();
    }
    /** Command families this pool serves; {@link #ALL} means any. */
    public Set<String> capabilities() { return capabilities; }
    public WorkerSpec workerSpec() { return workerSpec; }
    /**
     * The tools ({@code pooler.tool} names) this pool's workers may call; {@link #ANY_TOOL} (the default)
     * allows every tool, an empty set none.
     */
    public Set<String> allowedTools() { return allowedTools; }

    /** Whether this pool's workers may call the tool {@code name}. */
    public boolean allowsTool(String name) {
        return allowedTools.contains(ANY_TOOL) || allowedTools.contains(name);
    }
    /** How its workers are started; a change applies to the workers launched after it. */
    public LaunchMode launchMode() { return launchMode; }
    /**
     * How many requests may be written to one worker ahead of its reply ({@code pipeline.depth}, 1..{@link #MAX_PIPELINE_DEPTH}):
     * 1 (the default) runs one request per worker at a time; more keeps the worker's pipe full so it never waits for the
     * next request. Session and streaming requests are never pipelined. A change applies to requests dispatched after it.
     */
    public int pipelineDepth() { return pipelineDepth; }

    /** Whether this pool serves the given capability (command family). */
    public boolean supports(String capability) {
        return capabilities.contains(ALL) || capabilities.contains(capability);
    }

    /** Whether a change from this configuration to {@code next} needs the workers relaunched. */
    public boolean needsRelaunch(PoolConfig next) {
        return !workerSpec.equals(next.workerSpec) || !Objects.equals(specialization, next.specialization);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PoolConfig c)) {
            return false;
        }
        return size == c.size && poolId.equals(c.poolId) && poolType == c.poolType && priority == c.priority
                && sharingPolicy == c.sharingPolicy && Objects.equals(specialization, c.specialization)
                && resourceLimits.equals(c.resourceLimits) && affinityRules.equals(c.affinityRules)
                && geographicZone.equals(c.geographicZone) && capabilities.equals(c.capabilities)
                && workerSpec.equals(c.workerSpec) && allowedTools.equals(c.allowedTools)
                && launchMode == c.launchMode && pipelineDepth == c.pipelineDepth;
    }

    @Override
    public int hashCode() {
        return Objects.hash(poolId, poolType, size, priority, sharingPolicy, specialization, resourceLimits,
                affinityRules, geographicZone, capabilities, workerSpec, allowedTools, launchMode, pipelineDepth);
    }

    @Override
    public String toString() {
        return "PoolConfig{" + poolId + ", type=" + poolType.name().toLowerCase(Locale.ROOT) + ", size=" + size
                + ", priority=" + priority.name().toLowerCase(Locale.ROOT) + ", sharing="
                + sharingPolicy.name().toLowerCase(Locale.ROOT) + (specialization == null ? "" : ", specialization=" + specialization)
                + ", zone=" + geographicZone + ", capabilities=" + capabilities + ", adapter=" + workerSpec.adapter() + (pipelineDepth == 1 ? "" : ", pipeline.depth=" + pipelineDepth) + "}";
    }

    /** Builds a {@link PoolConfig}; unset fields take the seed's defaults. */
    public static final class Builder {
        private String poolId;
        private PoolType poolType = PoolType.GENERAL;
        private int size = DEFAULT_SIZE;
        private Priority priority = Priority.MEDIUM;
        private SharingPolicy sharingPolicy = SharingPolicy.OVERFLOW;
        private String specialization;
        private ResourceLimits resourceLimits = ResourceLimits.defaults();
        private Map<String, String> affinityRules = new LinkedHashMap<>();
        private String geographicZone = DEFAULT_ZONE;
        private Set<String> capabilities = new LinkedHashSet<>(Set.of(ALL));
        private WorkerSpec workerSpec = WorkerSpec.defaults();
        private Set<String> allowedTools = new LinkedHashSet<>(Set.of(ANY_TOOL));
        private LaunchMode launchMode = LaunchMode.parse("launch_mode", DEFAULT_LAUNCH_MODE);
        private int pipelineDepth = DEFAULT_PIPELINE_DEPTH;

        private Builder() {
        }

        public Builder poolId(String v) { this.poolId = v; return this; }
        public Builder poolType(PoolType v) { this.poolType = v; return this; }
        public Builder size(int v) { this.size = v; return this; }
        public Builder priority(Priority v) { this.priority = v; return this; }
        public Builder sharingPolicy(SharingPolicy v) { this.sharingPolicy = v; return this; }
        public Builder specialization(String v) { this.specialization = v; return this; }
        public Builder resourceLimits(ResourceLimits v) { this.resourceLimits = v; return this; }
        public Builder affinityRules(Map<String, String> v) { this.affinityRules = v == null ? new LinkedHashMap<>() : new LinkedHashMap<>(v); return this; }
        public Builder geographicZone(String v) { this.geographicZone = v; return this; }
        public Builder workerSpec(WorkerSpec v) { this.workerSpec = v; return this; }
        public Builder launchMode(LaunchMode v) { this.launchMode = v; return this; }
        public Builder pipelineDepth(int v) { this.pipelineDepth = v; return this; }

        public Builder capabilities(Iterable<String> v) {
            this.capabilities = new LinkedHashSet<>();
            if (v != null) {
                for (String c : v) {
                    if (c != null && !c.isBlank()) {
                        String s = c.trim();
                        this.capabilities.add((s.startsWith(":") ? s.substring(1) : s).toLowerCase(Locale.ROOT));
                    }
                }
            }
            return this;
        }

        /** The tools the workers may call ({@link #ANY_TOOL}: all; empty or null: none). Blank names are skipped. */
        public Builder allowedTools(Iterable<String> v) {
            this.allowedTools = new LinkedHashSet<>();
            if (v != null) {
                for (String t : v) {
                    if (t != null && !t.isBlank()) {
                        this.allowedTools.add(t.trim());
                    }
                }
            }
            return this;
        }

        public Builder allowedTools(String... v) {
            return allowedTools(java.util.Arrays.asList(v));
        }

        public Builder capabilities(String... v) {
            return capabilities(java.util.Arrays.asList(v));
        }

        /** Validates every field and builds; throws {@link InvalidConfigException} naming the first bad field. */
        public PoolConfig build() {
            if (poolId != null && !ID.matcher(poolId).matches()) {
                throw new InvalidConfigException("pool_id", "must be 1-64 letters, digits, '_', '.' or '-' (not starting with '.' or '-'), "
                        + "optionally followed by '@' and a node name of the same form, was '" + poolId + "'");
            }
            if (poolType == null) {
                throw new InvalidConfigException("pool_type", "missing");
            }
            if (size < 1 || size > MAX_SIZE) {
                throw new InvalidConfigException("size", "must be between 1 and " + MAX_SIZE + ", was " + size);
            }
            if (priority == null) {
                throw new InvalidConfigException("priority", "missing");
            }
            if (sharingPolicy == null) {
                throw new InvalidConfigException("sharing_policy", "missing");
            }
            if (resourceLimits == null) {
                throw new InvalidConfigException("resource_limits", "missing");
            }
            if (launchMode == null) {
                throw new InvalidConfigException("launch_mode", "missing");
            }
            if (pipelineDepth < 1 || pipelineDepth > MAX_PIPELINE_DEPTH) {
                throw new InvalidConfigException("pipeline_depth", "must be between 1 and " + MAX_PIPELINE_DEPTH
                        + " (requests written to one worker ahead of its reply), was " + pipelineDepth);
            }
            if (geographicZone == null || geographicZone.isBlank()) {
                throw new InvalidConfigException("geographic_zone", "must not be empty");
            }
            geographicZone = geographicZone.startsWith(":") ? geographicZone.substring(1) : geographicZone;
            if (capabilities.isEmpty()) {
                throw new InvalidConfigException("capabilities", "must list at least one command family, or 'all'");
            }
            for (String c : capabilities) {
                if (!CAPABILITY.matcher(c).matches()) {
                    throw new InvalidConfigException("capabilities", "'" + c + "' is not a valid command family (lower-case letters, digits, '_', '.', '-')");
                }
            }
            for (String t : allowedTools) {
                if (!ANY_TOOL.equals(t) && !TOOL.matcher(t).matches()) {
                    throw new InvalidConfigException("tools.allowed", "'" + t + "' is not a tool name (letters, digits, '_', '.', '-'; "
                            + "or '" + ANY_TOOL + "' for every tool)");
                }
            }
            if (workerSpec == null) {
                throw new InvalidConfigException("worker", "missing");
            }
            return new PoolConfig(this);
        }
    }
}
