package dev.pooler.itests;

import dev.pooler.api.events.PoolerEvents;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** An EventHandler on every Pooler topic ({@code dev/pooler/multipool/*}) that keeps what it receives. */
public final class EventCollector implements EventHandler, AutoCloseable {

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final ServiceRegistration<EventHandler> registration;

    private EventCollector(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {PoolerEvents.ALL_TOPICS});
        registration = context.registerService(EventHandler.class, this, props);
    }

    public static EventCollector register(BundleContext context) {
        return new EventCollector(context);
    }

    @Override
    public void handleEvent(Event event) {
        events.add(event);
    }

    /** Waits for an event on the topic that matches, and returns the first such. */
    public Event await(String topic, Predicate<Event> matching) {
        return Await.value("an event " + topic + " that matches", () -> events.stream()
                .filter(e -> e.getTopic().equals(topic)).filter(matching).findFirst().orElse(null));
    }

    public List<Event> received(String topic) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.getTopic().equals(topic)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Forgets what was received so far. */
    public void clear() {
        events.clear();
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException gone) {
            // already unregistered
        }
    }
}
