package dev.pooler.webconsole.http;

import dev.pooler.api.metrics.MultiPoolMetrics;
import dev.pooler.admin.PoolerAdmin;
import dev.pooler.webconsole.metrics.PrometheusWriter;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code GET /pooler/metrics}: {@link MultiPoolMetrics} in the Prometheus text format. */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(ApiContext.SELECT)
@HttpWhiteboardServletPattern("/metrics")
public class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PoolerAdmin admin;

    @Activate
    public MetricsServlet(@Reference PoolerAdmin admin) {
        this.admin = admin;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<MultiPoolMetrics> metrics = admin.metrics();
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        if (metrics.isEmpty()) {
            resp.setStatus(503);
            resp.setContentType("text/plain");
            resp.getWriter().write("# the metrics service (dev.pooler.core.impl) is not running\n");
            return;
        }
        resp.setStatus(200);
        resp.setContentType(PrometheusWriter.CONTENT_TYPE);
        MultiPoolMetrics m = metrics.get();
        resp.getWriter().write(PrometheusWriter.write(m.comprehensiveMetrics(), m.latencyHistograms()));
    }
}
