package eic.app.classifier;

import java.util.Optional;

final class TestSettings {
    private TestSettings() {
    }

    static ClassifierSettings model(String model) {
        return new ClassifierSettings(model, Optional.empty(), Optional.empty(), 2, 1, ImageDecoder.DEFAULT_MAX_PIXELS);
    }
}
