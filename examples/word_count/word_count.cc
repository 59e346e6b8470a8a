// Word count, the classic Storm example: a spout of sentences (with message
// ids, so every sentence is tracked by the acker), a bolt splitting them
// into words (shuffle grouping), a bolt counting words (fields grouping on
// "word", so each word is counted by one task) and a reporter that keeps the
// latest count of every word and prints the top words when it stops.
//
//   storm local build/examples/libword_count.so word-count --duration 10
//
// Config keys of this example:
//   wordcount.input.file       emit each line of this file once (a finite
//                              input), instead of the built-in sentences
//   wordcount.sentences.limit  emit this many sentences, then stop (0: forever)
//   wordcount.output.file      the reporter writes "word count" lines here
//   wordcount.top              how many top words the reporter prints (10)
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "storm/storm.h"

namespace {

const std::vector<std::string> kSentences = {
    "the cow jumped over the moon",
    "an apple a day keeps the doctor away",
    "four score and seven years ago",
    "snow white and the seven dwarfs",
    "i am at two with nature",
};

// Emits the sentences in a fixed cycle; replays a sentence whose tree failed.
class SentenceSpout : public storm::BaseRichSpout {
 public:
  void open(const storm::Config& conf, storm::TopologyContext& context,
            storm::SpoutOutputCollector& collector) override {
    collector_ = &collector;
    limit_ = conf.getInt("wordcount.sentences.limit", 0);
    sentences_ = kSentences;
    const std::string input = conf.getString("wordcount.input.file", "");
    if (!input.empty()) {
      std::ifstream in(input);
      if (!in) throw std::runtime_error("wordcount.input.file: cannot read " + input);
      sentences_.clear();
      for (std::string line; std::getline(in, line);) sentences_.push_back(line);
      limit_ = static_cast<int64_t>(sentences_.size());
    }
    // Spout tasks split the sentence numbers between them.
    index_ = context.getThisTaskIndex();
    stride_ = static_cast<int64_t>(context.getComponentTasks(context.getThisComponentId()).size());
    next_ = index_;
  }
  void nextTuple() override {
    int64_t id;
    if (!replay_.empty()) {
      id = replay_.back();
      replay_.pop_back();
    } else if (limit_ == 0 || next_ < limit_) {
      id = next_;
      next_ += stride_;
    } else {
      return;  // all emitted; acks and replays keep coming
    }
    if (sentences_.empty()) return;
    collector_->emit(storm::Values{sentences_[static_cast<size_t>(id) % sentences_.size()]},
                     storm::Value(id));
  }
  void fail(const storm::Value& msg_id) override { replay_.push_back(msg_id.asInt()); }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"sentence"});
  }

 private:
  storm::SpoutOutputCollector* collector_ = nullptr;
  int64_t limit_ = 0;
  int64_t index_ = 0;
  int64_t stride_ = 1;
  int64_t next_ = 0;
  std::vector<int64_t> replay_;
  std::vector<std::string> sentences_;
};

class SplitSentence : public storm::BaseBasicBolt {
 public:
  void execute(const storm::Tuple& input, storm::BasicOutputCollector& collector) override {
    std::istringstream words(input.getString(0));
    std::string word;
    while (words >> word) collector.emit(storm::Values{word});
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"word"});
  }
};

class WordCount : public storm::BaseBasicBolt {
 public:
  // Metrics of its own (Storm's TopologyContext.registerCounter...): the UI,
  // `storm monitor` and Prometheus show them per task.
  void prepare(const storm::Config&, storm::TopologyContext& context) override {
    words_seen_ = &context.registerCounter("words-seen");
    word_length_ = &context.registerHistogram("word-length");
  }
  void execute(const storm::Tuple& input, storm::BasicOutputCollector& collector) override {
    const std::string& word = input.getStringByField("word");
    int64_t count = ++counts_[word];
    words_seen_->inc();
    word_length_->update(static_cast<double>(word.size()));
    collector.emit(storm::Values{word, count});
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"word", "count"});
  }

 private:
  std::unordered_map<std::string, int64_t> counts_;
  storm::Counter* words_seen_ = nullptr;
  storm::Histogram* word_length_ = nullptr;
};

// Keeps the highest count seen per word (counts only grow, and a replayed
// sentence may deliver a word's updates out of order).
class Reporter : public storm::BaseBasicBolt {
 public:
  void prepare(const storm::Config& conf, storm::TopologyContext&) override {
    output_file_ = conf.getString("wordcount.output.file", "");
    top_ = conf.getInt("wordcount.top", 10);
  }
  void execute(const storm::Tuple& input, storm::BasicOutputCollector&) override {
    int64_t& count = counts_[input.getStringByField("word")];
    count = std::max(count, input.getLongByField("count"));
  }
  void cleanup() override {
    std::vector<std::pair<std::string, int64_t>> sorted(counts_.begin(), counts_.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    std::printf("top words:\n");
    for (size_t i = 0; i < sorted.size() && static_cast<int64_t>(i) < top_; ++i) {
      std::printf("  %-10s %lld\n", sorted[i].first.c_str(),
                  static_cast<long long>(sorted[i].second));
    }
    std::fflush(stdout);
    if (!output_file_.empty()) {
      std::ofstream out(output_file_);
      for (const auto& [word, count] : sorted) out << word << ' ' << count << '\n';
    }
  }
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}

 private:
  std::string output_file_;
  int64_t top_ = 10;
  std::map<std::string, int64_t> counts_;
};

}  // namespace

STORM_TOPOLOGY_MAIN(args) {
  storm::TopologyBuilder builder;
  builder.setSpout("sentences", std::make_shared<SentenceSpout>(), 2);
  builder.setBolt("split", std::make_shared<SplitSentence>(), 4).shuffleGrouping("sentences");
  builder.setBolt("count", std::make_shared<WordCount>(), 4)
      .fieldsGrouping("split", storm::Fields{"word"});
  builder.setBolt("report", std::make_shared<Reporter>(), 1).globalGrouping("count");

  storm::Config conf;
  conf.setNumWorkers(2);
  conf.setMaxSpoutPending(1000);
  const std::string name = args.empty() ? "word-count" : args[0];
  storm::StormSubmitter::submitTopology(name, conf, builder.createTopology());
}
