package dev.pooler.webconsole.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Response;
import dev.pooler.api.ResponseStream;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;

/**
 * The reply of {@code POST /pooler/api/stream}: one line per event as the worker's chunks arrive, written without
 * blocking. Newline-delimited JSON ({@code application/x-ndjson}): {@code {"id":N}} first, then {@code {"chunk":…}}
 * per chunk, then the final answer as {@code /execute} gives it ({@code {"ok":true,"result":…}} or
 * {@code {"ok":false,"error":{…}}}). With {@code Accept: text/event-stream}, Server-Sent Events: {@code event: id},
 * {@code event: chunk}, then {@code event: result} or {@code event: error}, each with its JSON as {@code data}.
 *
 * <p>Backpressure end to end: the next chunk is asked for only once the previous one was handed to the connection,
 * so a client that reads slowly holds back its own stream's worker and nothing else. A client that goes away (a
 * failed write, an error on the connection) cancels the request.
 */
final class StreamReply implements Flow.Subscriber<JsonElement>, AsyncListener {

    private final AsyncContext async;
    private final ResponseStream stream;
    private final boolean sse;
    private final ServletOutputStream out;
    // guarded by this
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private Flow.Subscription subscription;
    private boolean asked;
    private boolean ended;
    private boolean completed;
    private boolean unflushed;

    StreamReply(AsyncContext async, ResponseStream stream, boolean sse) throws IOException {
        this.async = async;
        this.stream = stream;
        this.sse = sse;
        HttpServletResponse resp = (HttpServletResponse) async.getResponse();
        resp.setStatus(200);
        resp.setContentType(sse ? "text/event-stream" : "application/x-ndjson");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Accel-Buffering", "no");
        this.out = resp.getOutputStream();
    }

    void start() {
        JsonObject first = new JsonObject();
        first.addProperty("id", stream.id());
        synchronized (this) {
            pending.add(line("id", first));
        }
        async.addListener(this);
        out.setWriteListener(new WriteListener() { // onWritePossible follows
            @Override
            public void onWritePossible() {
                pump();
            }

            @Override
            public void onError(Throwable t) {
                gone();
            }
        });
        stream.subscribe(this);
    }

    private byte[] line(String event, JsonElement data) {
        String json = JsonReplies.REPLY_GSON.toJson(data);
        String text = sse ? "event: " + event + "\ndata: " + json + "\n\n" : json + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        synchronized (this) {
            subscription = s;
        }
        pump();
    }

    @Override
    public void onNext(JsonElement chunk) {
        JsonObject o = new JsonObject();
        o.add("chunk", chunk);
        synchronized (this) {
            asked = false;
            pending.add(line("chunk", o));
        }
        pump();
    }

    @Override
    public void onError(Throwable t) {
        PoolerException e = PoolerException.of(t);
        synchronized (this) {
            pending.add(line("error", JsonReplies.error(e)));
            ended = true;
        }
        pump();
    }

    @Override
    public void onComplete() {
        Response r = stream.result().toCompletableFuture().join();
        synchronized (this) {
            pending.add(line("result", JsonReplies.result(r)));
            ended = true;
        }
        pump();
    }

    /** Writes what waits while the connection takes it; then asks for the next chunk, or ends the reply. */
    private void pump() {
        Flow.Subscription ask = null;
        boolean complete = false;
        synchronized (this) {
            if (completed) {
                return;
            }
            try {
                while (out.isReady()) {
                    byte[] next = pending.poll();
                    if (next != null) {
                        out.write(next);
                        unflushed = true;
                        continue;
                    }
                    if (unflushed) {
                        unflushed = false;
                        out.flush(); // each line leaves at once: a chunk is seen when it arrives
                        continue;
                    }
                    if (ended) {
                        completed = true;
                        complete = true;
                    } else if (!asked && subscription != null) {
                        asked = true;
                        ask = subscription;
                    }
                    break;
                }
            } catch (IOException | IllegalStateException e) {
                completed = true;
                complete = true;
                ended = true;
                stream.cancel(); // the client is gone
            }
        }
        if (ask != null) {
            ask.request(1);
        }
        if (complete) {
            JsonReplies.completeQuietly(async);
        }
    }

    /** The client went away or the connection broke: its request is cancelled. */
    @Override
    public void onError(AsyncEvent event) {
        gone();
    }

    private void gone() {
        synchronized (this) {
            if (completed) {
                return;
            }
            completed = true;
        }
        Flow.Subscription s;
        synchronized (this) {
            s = subscription;
        }
        if (s != null) {
            s.cancel();
        }
        stream.cancel();
        JsonReplies.completeQuietly(async);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        gone();
    }

    @Override
    public void onComplete(AsyncEvent event) {
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
