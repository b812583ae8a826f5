package dev.pooler.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** One measured quantity, one value per round; summarised as median and spread (min–max). */
final class Figure {

    private final List<Double> rounds = new ArrayList<>();

    void add(double value) {
        rounds.add(value);
    }

    int count() {
        return rounds.size();
    }

    double median() {
        List<Double> s = sorted();
        int n = s.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    double min() {
        return rounds.isEmpty() ? Double.NaN : Collections.min(rounds);
    }

    double max() {
        return rounds.isEmpty() ? Double.NaN : Collections.max(rounds);
    }

    /** "median [min–max]" with the given number format, e.g. {@code "%.1f"}. */
    String format(String fmt) {
        return String.format(Locale.ROOT, fmt + " [" + fmt + "–" + fmt + "]", median(), min(), max());
    }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(rounds);
        Collections.sort(s);
        return s;
    }
}
