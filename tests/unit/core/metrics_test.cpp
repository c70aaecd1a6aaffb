// The /metrics registry: Prometheus text format.
#include <gtest/gtest.h>

#include "core/metrics.hpp"

TEST(Metrics, PrometheusTextWithHelpTypeAndEscapedLabels) {
  newsdesk::core::Metrics m;
  m.add("newsdesk_things_total", "Things done.", {{"kind", "a\"b\\c"}}, 2);
  m.add("newsdesk_things_total", "Things done.", {{"kind", "a\"b\\c"}});
  m.set("newsdesk_store_queue", "Waiting.", {}, 7);
  const std::string out = m.render();
  EXPECT_NE(out.find("# HELP newsdesk_things_total Things done.\n# TYPE newsdesk_things_total counter\n"), std::string::npos) << out;
  EXPECT_NE(out.find("newsdesk_things_total{kind=\"a\\\"b\\\\c\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("# TYPE newsdesk_store_queue gauge\nnewsdesk_store_queue 7\n"), std::string::npos) << out;
  m.clear_gauges("newsdesk_store_");
  EXPECT_EQ(m.render().find("newsdesk_store_queue"), std::string::npos);
  EXPECT_NE(m.render().find("newsdesk_things_total"), std::string::npos);
}
