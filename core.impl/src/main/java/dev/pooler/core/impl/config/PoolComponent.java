package dev.pooler.core.impl.config;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.core.impl.registry.PoolHost;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One pool per {@code dev.pooler.pool} factory configuration. A change applies live; a bad one is
 * refused with a log line naming the field and a {@code CONFIG_REJECTED} event, and the running pool
 * stays as it was.
 */
@Component(configurationPid = PoolConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = PoolConfiguration.class, factory = true)
public class PoolComponent {

    private static final System.Logger LOG = System.getLogger(PoolComponent.class.getName());

    private final PoolHost host;
    private volatile PoolConfig running;

    @Activate
    public PoolComponent(@Reference PoolHost host, Map<String, Object> properties) {
        this.host = host;
        PoolConfig config = parseOrReject(properties);
        if (config != null) {
            try {
                host.start(config);
                running = config;
            } catch (InvalidConfigException e) {
                reject(properties, e);
            }
        }
    }

    @Modified
    void modified(Map<String, Object> properties) {
        PoolConfig next = parseOrReject(properties);
        if (next == null) {
            return;
        }
        PoolConfig current = running;
        try {
            if (current == null) {
                host.start(next);
            } else if (!current.poolId().equals(next.poolId())) {
                host.start(next);
                host.stop(current.poolId());
            } else if (!current.equals(next)) {
                host.reconfigure(next);
            }
            running = next;
        } catch (InvalidConfigException e) {
            reject(properties, e);
        }
    }

    @Deactivate
    void deactivate() {
        PoolConfig current = running;
        running = null;
        if (current != null) {
            host.stop(current.poolId());
        }
    }

    private PoolConfig parseOrReject(Map<String, Object> properties) {
        try {
            return PoolConfigParser.parse(properties, host.defaultPython(), host.nodeZone());
        } catch (InvalidConfigException e) {
            reject(properties, e);
            return null;
        }
    }

    private void reject(Map<String, Object> properties, InvalidConfigException e) {
        Object pid = properties.get("service.pid");
        String what = running == null ? "no pool was started" : "pool " + running.poolId() + " keeps its previous configuration";
        LOG.log(System.Logger.Level.ERROR, "configuration {0} ({1}) refused: {2}; {3}", pid, PoolConfiguration.PID,
                e.getMessage(), what);
        host.events().post(PoolerEvents.CONFIG_REJECTED, Map.of(
                PoolerEvents.FIELD, e.field(),
                PoolerEvents.MESSAGE, e.getMessage(),
                "pid", String.valueOf(pid),
                PoolerEvents.POOL_ID, running == null ? "" : running.poolId()));
    }
}
