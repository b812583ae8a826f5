package dev.pooler.webconsole.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.admin.PoolerAdmin;
import dev.pooler.testing.Fakes;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ApiServlet}'s execute call against a servlet container played by plain fakes. */
class ApiServletTest {

    private final ExecutorService container = Executors.newSingleThreadExecutor(r -> new Thread(r, "container"));
    private final AtomicReference<CompletableFuture<Response>> answer = new AtomicReference<>();
    private final List<Request> routed = new ArrayList<>();

    @AfterEach
    void stop() {
        container.shutdownNow();
    }

    private ApiServlet servlet(int bodyLimit) {
        Fakes.Router router = new Fakes.Router(Set.of("round_robin"), List.of(), r -> {
            routed.add(r);
            CompletableFuture<Response> f = new CompletableFuture<>();
            answer.set(f);
            return f;
        });
        return new ApiServlet(new PoolerAdmin(null, router, null, null), bodyLimit);
    }

    @Test
    void theReplyIsWrittenOnAContainerThreadNeverOnTheOneThatAnswered() throws Exception {
        Exchange x = post(servlet(1024), "application/json", -1);
        x.in.arrive("{\"command\":\"echo\",");
        x.in.arrive("\"args\":{\"x\":1,\"none\":null}}");
        x.in.end();
        assertEquals("echo", routed.get(0).command());

        Thread worker = new Thread(() -> answer.get().complete(new Response("general_pool", "w1", routed.get(0).args(), 1000, 2000)),
                "pooler-worker-general_pool-w1");
        worker.start();
        worker.join();
        x.awaitContainer();

        assertEquals(List.of("container"), x.out.writers, "written by the container, not by the worker's reader");
        assertEquals(200, x.status);
        JsonObject body = x.body();
        assertTrue(body.get("ok").getAsBoolean());
        assertEquals(1, body.getAsJsonObject("result").get("x").getAsInt());
        assertTrue(body.getAsJsonObject("result").get("none").isJsonNull(), "a null member is kept");
        assertEquals(x.out.bytes.size(), x.contentLength);
        assertEquals(1, x.async.completions);
    }

    @Test
    void aClientThatDoesNotReadHoldsNeitherTheWorkerNorAContainerThread() throws Exception {
        Exchange x = post(servlet(1024), "application/json", -1);
        x.out.clientReads = false;
        x.in.arrive("{\"command\":\"echo\"}");
        x.in.end();
        answer.get().complete(new Response("general_pool", "w1", new JsonObject(), 1000, 2000));
        x.awaitContainer(); // the container's thread is free again although the bytes are not out

        assertEquals(0, x.async.completions, "the exchange stays open until the client has taken the reply");
        x.out.clientTakesAll();
        x.awaitContainer();
        assertEquals(1, x.async.completions);
        assertTrue(x.body().get("ok").getAsBoolean());
    }

    @Test
    void theAsyncTimeoutAnswersOnceAndTheLateAnswerIsDropped() throws Exception {
        Exchange x = post(servlet(1024), "application/json", -1);
        x.in.arrive("{\"command\":\"echo\"}");
        x.in.end();
        x.async.listener.onTimeout(new AsyncEvent(x.async));
        assertEquals(504, x.status);
        assertEquals("TIMEOUT", x.writerBody().getAsJsonObject("error").get("kind").getAsString());

        answer.get().complete(new Response("general_pool", "w1", new JsonObject(), 1000, 2000));
        x.awaitContainer();
        assertTrue(x.out.writers.isEmpty(), "no second answer");
        assertEquals(1, x.async.completions);
    }

    @Test
    void aTimeoutWhileTheReplyIsUnreadEndsTheExchangeWithoutASecondAnswer() throws Exception {
        Exchange x = post(servlet(1024), "application/json", -1);
        x.out.clientReads = false;
        x.in.arrive("{\"command\":\"echo\"}");
        x.in.end();
        answer.get().complete(new Response("general_pool", "w1", new JsonObject(), 1000, 2000));
        x.awaitContainer();
        x.async.listener.onTimeout(new AsyncEvent(x.async));
        assertEquals(200, x.status);
        assertEquals("", x.writer.toString(), "no TIMEOUT written after the result");
        assertEquals(1, x.async.completions);
    }

    @Test
    void aClientThatIsGoneGetsNothingWritten() throws Exception {
        Exchange x = post(servlet(1024), "application/json", -1);
        x.in.arrive("{\"command\":\"echo\"}");
        x.in.end();
        x.async.listener.onError(new AsyncEvent(x.async, new IOException("connection reset")));
        answer.get().completeExceptionally(new PoolerException(ErrorKind.WORKER_CRASHED, "died"));
        x.awaitContainer();
        assertTrue(x.out.writers.isEmpty());
        assertEquals("", x.writer.toString());
        assertEquals(1, x.async.completions);
    }

    @Test
    void aBodyThatCannotBeReadIsAnsweredOnce() throws Exception {
        Exchange x = post(servlet(1024), "application/json", -1);
        x.in.arrive("{\"command\":");
        x.in.listener.onError(new IOException("early EOF"));
        x.async.listener.onError(new AsyncEvent(x.async, new IOException("early EOF")));
        x.awaitContainer();
        assertTrue(routed.isEmpty());
        assertTrue(x.async.completions >= 1);
        assertTrue(x.out.writers.size() <= 1);
    }

    @Test
    void aBodyOverTheLimitIsRefusedOnceAllOfItIsInSoTheClientSeesTheRefusal() throws Exception {
        Exchange x = post(servlet(1024), "application/json", -1);
        x.in.arrive("{\"command\":\"echo\",\"args\":{\"s\":\"" + "a".repeat(600));
        x.in.arrive("a".repeat(600));
        x.in.arrive("\"}}");
        assertEquals(0, x.out.bytes.size(), "no answer while the client is still sending");
        x.in.end();
        x.awaitContainer();
        assertEquals(413, x.status);
        assertEquals("PAYLOAD_TOO_LARGE", x.body().getAsJsonObject("error").get("kind").getAsString());
        assertNull(x.headers.get("Connection"), "all read: the connection may carry the next request");
        assertTrue(routed.isEmpty());
        assertEquals(1, x.async.completions);
    }

    @Test
    void aBodyFarOverTheLimitIsRefusedAtOnceOnAClosingConnection() throws Exception {
        ApiServlet servlet = servlet(1024);
        Exchange x = post(servlet, "application/json", -1);
        for (int i = 0; i * 1000 <= servlet.drainLimit(); i++) {
            x.in.arrive("a".repeat(1000));
        }
        x.in.arrive("the rest");
        x.awaitContainer();
        assertEquals(413, x.status);
        assertEquals("close", x.headers.get("Connection"), "the connection, with unread bytes in it, is not reused");
        assertEquals(1, x.in.unread(), "the rest is never read");
        assertEquals(1, x.async.completions);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedOnceTheBodyIsIn() throws Exception {
        Exchange x = post(servlet(1024), "application/json", 2000);
        x.in.arrive("a".repeat(1000));
        x.in.arrive("a".repeat(1000));
        x.in.end();
        x.awaitContainer();
        assertEquals(413, x.status);
        assertEquals("request body larger than 1024 bytes", x.body().getAsJsonObject("error").get("message").getAsString());
        assertTrue(routed.isEmpty());
    }

    @Test
    void aRefusalThatNeedsNoBodyIsSentBeforeTheBody() throws Exception {
        Exchange tooLong = post(servlet(1024), "application/json", 5000);
        assertEquals(413, tooLong.status);
        assertEquals("PAYLOAD_TOO_LARGE", tooLong.writerBody().getAsJsonObject("error").get("kind").getAsString());
        assertEquals("close", tooLong.headers.get("Connection"));
        assertNull(tooLong.async, "no asynchronous exchange: more than is worth reading");

        Exchange waiting = post(servlet(1024), "text/plain", 100, Map.of("Expect", "100-continue"));
        assertEquals(400, waiting.status);
        assertEquals("Content-Type must be application/json, was text/plain",
                waiting.writerBody().getAsJsonObject("error").get("message").getAsString());
        assertNull(waiting.async, "the client waits for 100 Continue: it gets the refusal instead, and sends nothing");
    }

    @Test
    void aWrongContentTypeIsRefusedOnceTheBodyIsIn() throws Exception {
        Exchange x = post(servlet(1024), "application/xml", 10);
        x.in.arrive("<a>hi</a>\n");
        x.in.end();
        x.awaitContainer();
        assertEquals(400, x.status);
        assertEquals("Content-Type must be application/json, was application/xml",
                x.body().getAsJsonObject("error").get("message").getAsString());
        assertTrue(routed.isEmpty());
    }

    @Test
    void aBadBodyIsA400NamingTheProblem() throws Exception {
        Exchange x = post(servlet(1024), "application/json", -1);
        x.in.arrive(new byte[] {'{', '"', (byte) 0xc3, '"', '}'});
        x.in.end();
        x.awaitContainer();
        assertEquals(400, x.status);
        assertEquals("the body is not valid UTF-8 at byte 2 (0xc3)", x.body().getAsJsonObject("error").get("message").getAsString());
        assertTrue(routed.isEmpty());
    }

    @Test
    void onlyJsonInUtf8IsAccepted() {
        assertTrue(ApiServlet.contentTypeProblem("application/json").isEmpty());
        assertTrue(ApiServlet.contentTypeProblem("Application/JSON; charset=\"UTF-8\"").isEmpty());
        assertEquals("Content-Type must be application/json, was none", ApiServlet.contentTypeProblem(null).orElseThrow());
        assertEquals("Content-Type must be application/json, was text/plain", ApiServlet.contentTypeProblem("text/plain").orElseThrow());
        assertEquals("Content-Type must be application/json, was application/jsonp", ApiServlet.contentTypeProblem("application/jsonp").orElseThrow());
        assertEquals("Content-Type: the charset of JSON is UTF-8, was iso-8859-1",
                ApiServlet.contentTypeProblem("application/json;charset=iso-8859-1").orElseThrow());
    }

    // ------------------------------------------------------------------ a container played by fakes

    private Exchange post(ApiServlet servlet, String contentType, long contentLength) throws IOException {
        return post(servlet, contentType, contentLength, Map.of());
    }

    private Exchange post(ApiServlet servlet, String contentType, long contentLength, Map<String, String> headers)
            throws IOException {
        Exchange x = new Exchange();
        HttpServletResponse resp = x.response();
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getPathInfo" -> "/execute";
                    case "getMethod" -> "POST";
                    case "getContentType" -> contentType;
                    case "getContentLengthLong" -> contentLength;
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getInputStream" -> x.in;
                    case "startAsync" -> {
                        x.async = new FakeAsync((ServletRequest) proxy, resp);
                        yield x.async;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        servlet.doPost(req, resp);
        return x;
    }

    private final class Exchange {
        final FakeInput in = new FakeInput();
        final FakeOutput out = new FakeOutput();
        final StringWriter writer = new StringWriter();
        final Map<String, String> headers = new ConcurrentHashMap<>();
        FakeAsync async;
        int status = 200;
        int contentLength = -1;

        HttpServletResponse response() {
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "setContentLength" -> {
                            contentLength = (Integer) args[0];
                            yield null;
                        }
                        case "setHeader" -> {
                            headers.put((String) args[0], (String) args[1]);
                            yield null;
                        }
                        case "setContentType", "setCharacterEncoding" -> null;
                        case "getOutputStream" -> out;
                        case "getWriter" -> new PrintWriter(writer, true);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        /** Until the container's thread has run what was handed to it, and what that handed on in turn. */
        void awaitContainer() throws Exception {
            for (int round = 0; round < 5; round++) {
                container.submit(() -> { }).get(5, TimeUnit.SECONDS);
            }
        }

        JsonObject body() {
            return JsonParser.parseString(out.bytes.toString(StandardCharsets.UTF_8)).getAsJsonObject();
        }

        JsonObject writerBody() {
            return JsonParser.parseString(writer.toString()).getAsJsonObject();
        }
    }

    private final class FakeAsync implements AsyncContext {
        final ServletRequest request;
        final ServletResponse response;
        AsyncListener listener;
        int completions;

        FakeAsync(ServletRequest request, ServletResponse response) {
            this.request = request;
            this.response = response;
        }

        @Override public ServletRequest getRequest() { return request; }
        @Override public ServletResponse getResponse() { return response; }
        @Override public boolean hasOriginalRequestAndResponse() { return true; }
        @Override public void dispatch() { throw new UnsupportedOperationException(); }
        @Override public void dispatch(String path) { throw new UnsupportedOperationException(); }
        @Override public void dispatch(ServletContext context, String path) { throw new UnsupportedOperationException(); }
        @Override public synchronized void complete() { completions++; }
        @Override public void start(Runnable run) { container.execute(run); }
        @Override public void addListener(AsyncListener l) { listener = l; }
        @Override public void addListener(AsyncListener l, ServletRequest req, ServletResponse resp) { listener = l; }
        @Override public <T extends AsyncListener> T createListener(Class<T> clazz) { throw new UnsupportedOperationException(); }
        @Override public void setTimeout(long timeout) { }
        @Override public long getTimeout() { return ApiServlet.ASYNC_TIMEOUT_MS; }
    }

    /** Pieces arrive when the test says; the listener is called as a container would. */
    private static final class FakeInput extends ServletInputStream {
        final Queue<byte[]> pieces = new ArrayDeque<>();
        ReadListener listener;
        boolean ended;

        void arrive(String text) throws IOException {
            arrive(text.getBytes(StandardCharsets.UTF_8));
        }

        void arrive(byte[] piece) throws IOException {
            pieces.add(piece);
            listener.onDataAvailable();
        }

        void end() throws IOException {
            ended = true;
            if (pieces.isEmpty()) {
                listener.onAllDataRead();
            }
        }

        int unread() {
            return pieces.size();
        }

        @Override public boolean isFinished() { return ended && pieces.isEmpty(); }
        @Override public boolean isReady() { return !pieces.isEmpty() || ended; }
        @Override public void setReadListener(ReadListener l) { listener = l; }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in pieces");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            byte[] piece = pieces.poll();
            if (piece == null) {
                return -1;
            }
            assertTrue(piece.length <= len, "the fake delivers whole pieces");
            System.arraycopy(piece, 0, b, off, piece.length);
            return piece.length;
        }
    }

    /** Records who writes; {@code clientReads = false} keeps the bytes "in flight" until the test lets them out. */
    private final class FakeOutput extends ServletOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> writers = new ArrayList<>();
        volatile boolean clientReads = true;
        private boolean inFlight;
        private WriteListener listener;

        void clientTakesAll() {
            inFlight = false;
            container.execute(() -> {
                try {
                    listener.onWritePossible();
                } catch (IOException e) {
                    listener.onError(e);
                }
            });
        }

        @Override public boolean isReady() { return !inFlight; }

        @Override
        public void setWriteListener(WriteListener l) {
            listener = l;
            container.execute(() -> {
                try {
                    l.onWritePossible();
                } catch (IOException e) {
                    l.onError(e);
                }
            });
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            assertFalse(inFlight, "written while not ready");
            writers.add(Thread.currentThread().getName());
            bytes.write(b, off, len);
            inFlight = !clientReads;
        }
    }
}
