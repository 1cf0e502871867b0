package eic.web.system;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The two pages: the upload form at {@code GET /} and the ops page at {@code GET /ops}.
 * A mapping, not Boot's welcome page, because {@code POST /} (the classic contract) would
 * otherwise answer a GET of {@code /} with 405.
 */
@Controller
class Pages {
    @GetMapping("/")
    String form() {
        return "forward:/index.html";
    }

    @GetMapping("/ops")
    String ops() {
        return "forward:/ops.html";
    }
}
