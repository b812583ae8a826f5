package dev.pooler.core.impl.events;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** An {@link EventSink} that posts through whichever Event Admin is bound now, or drops the event when none is. */
public final class EventAdminSink implements EventSink {

    private final AtomicReference<EventAdmin> eventAdmin = new AtomicReference<>();

    public void bind(EventAdmin ea) {
        eventAdmin.set(ea);
    }

    public void unbind(EventAdmin ea) {
        eventAdmin.compareAndSet(ea, null);
    }

    public boolean present() {
        return eventAdmin.get() != null;
    }

    @Override
    public void post(String topic, Map<String, Object> properties) {
        EventAdmin ea = eventAdmin.get();
        if (ea == null) {
            return;
        }
        try {
            ea.postEvent(new Event(topic, properties));
        } catch (RuntimeException e) {
            // Event Admin going away mid-call: the event is lost, the request path is not.
        }
    }
}
