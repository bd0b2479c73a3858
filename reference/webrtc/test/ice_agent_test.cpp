// ICE agents in virtual time: a controlling agent against an ICE-lite one (both select the pair), a
// wrong password (401), no answer (fails after connect_timeout, the same bytes for the same seed),
// consent freshness and its loss, and the checks' own validation (ids, source, integrity).
#include "dclcomms/webrtc/ice_agent.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace dclcomms::webrtc {
namespace ice_agent_test_support {

using namespace std::chrono_literals;

const SocketAddress client_address{"192.0.2.10", 50000};
const SocketAddress server_address{"192.0.2.1", 7881};
const SocketAddress other_address{"198.51.100.7", 7881};

const IceCredentials client_credentials{"cliUfrag", "client-password-24-chars"};
const IceCredentials server_credentials{"srvUfrag", "server-password-24-chars"};

core::TimePoint at_ms(std::int64_t ms) { return core::time_point_from_ns(ms * 1'000'000); }

// Everything the agent has to send, in order.
template <class Agent>
std::vector<DatagramTransmit> drain(Agent& agent) {
  std::vector<DatagramTransmit> out;
  while (auto transmit = agent.poll_transmit()) out.push_back(std::move(*transmit));
  return out;
}

// Carries datagrams between a controlling client and a lite server in virtual time, stepping to
// each poll_timeout, until `until`. `server_answers(now)` says whether the server's datagrams reach
// the client at that moment (a switch for consent-loss tests).
struct Pair {
  IceControllingAgent client;
  IceLiteAgent server;
  int checks_sent = 0;
  int answers_delivered = 0;

  template <class Answers>
  void run_until(core::TimePoint until, Answers server_answers) {
    while (auto next = client.poll_timeout()) {
      if (*next > until) break;
      client.handle_timeout(*next);
      for (auto& check : drain(client)) {
        ++checks_sent;
        if (check.to != server_address) continue;  // an unreachable candidate: the datagram is lost
        auto handled = server.handle_stun(check.bytes, client_address);
        EXPECT_TRUE(handled) << handled.error().message;
      }
      for (auto& answer : drain(server)) {
        EXPECT_EQ(answer.to, client_address);
        if (!server_answers(*next)) continue;
        ++answers_delivered;
        auto handled = client.handle_stun(answer.bytes, server_address, *next);
        EXPECT_TRUE(handled) << handled.error().message;
      }
    }
  }
  void run_until(core::TimePoint until) {
    run_until(until, [](core::TimePoint) { return true; });
  }
};

Pair make_ice_pair(std::vector<SocketAddress> candidates, std::uint64_t seed = 1) {
  return Pair{IceControllingAgent(client_credentials, server_credentials, std::move(candidates), seed, at_ms(0)),
              IceLiteAgent(server_credentials, client_credentials)};
}

// A check as a controlling peer would send it, for the lite agent's own tests.
std::vector<std::uint8_t> check_bytes(std::string username, std::string_view key, bool use_candidate, std::uint8_t id = 1) {
  StunMessage request;
  request.type = stun_binding_request;
  request.transaction_id.fill(id);
  request.username = std::move(username);
  request.priority = 1;
  request.ice_controlling = 7;
  request.use_candidate = use_candidate;
  return encode_stun(request, key, true);
}

}  // namespace ice_agent_test_support

namespace {

using namespace ice_agent_test_support;

TEST(IceCredentials, AreIceCharsOfTheRightLengthAndFollowTheSeed) {
  core::Prng prng(5);
  const IceCredentials credentials = make_ice_credentials(prng);
  EXPECT_EQ(credentials.ufrag.size(), 8u);
  EXPECT_EQ(credentials.pwd.size(), 24u);
  for (const char c : credentials.ufrag + credentials.pwd) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') << c;
  }
  core::Prng same(5);
  const IceCredentials again = make_ice_credentials(same);
  EXPECT_EQ(again.ufrag, credentials.ufrag);
  EXPECT_EQ(again.pwd, credentials.pwd);
  const IceCredentials next = make_ice_credentials(prng);
  EXPECT_NE(next.pwd, credentials.pwd);
}

TEST(IceAgents, ControllingAgentAndLiteAgentSelectEachOther) {
  Pair pair = make_ice_pair({server_address});
  EXPECT_EQ(pair.client.poll_timeout(), at_ms(0));  // the first check is due at once
  pair.client.handle_timeout(at_ms(0));
  auto checks = drain(pair.client);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].to, server_address);

  // The check: USERNAME "<remote>:<local>", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, keyed with the
  // server's password, FINGERPRINT.
  auto check = parse_stun(checks[0].bytes);
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_EQ(check->type, stun_binding_request);
  EXPECT_EQ(check->username, "srvUfrag:cliUfrag");
  EXPECT_TRUE(check->priority.has_value());
  EXPECT_TRUE(check->ice_controlling.has_value());
  EXPECT_TRUE(check->use_candidate);
  EXPECT_TRUE(check->has_fingerprint);
  EXPECT_TRUE(stun_integrity_ok(checks[0].bytes, server_credentials.pwd));

  auto handled = pair.server.handle_stun(checks[0].bytes, client_address);
  ASSERT_TRUE(handled) << handled.error().message;
  EXPECT_EQ(pair.server.selected(), client_address);
  auto answers = drain(pair.server);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].to, client_address);
  auto answer = parse_stun(answers[0].bytes);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->type, stun_binding_success);
  EXPECT_EQ(answer->transaction_id, check->transaction_id);
  EXPECT_EQ(answer->xor_mapped_address, client_address);
  EXPECT_TRUE(answer->has_fingerprint);
  EXPECT_TRUE(stun_integrity_ok(answers[0].bytes, server_credentials.pwd));

  EXPECT_FALSE(pair.client.selected().has_value());
  handled = pair.client.handle_stun(answers[0].bytes, server_address, at_ms(20));
  ASSERT_TRUE(handled) << handled.error().message;
  EXPECT_EQ(pair.client.selected(), server_address);
  EXPECT_FALSE(pair.client.failure().has_value());
  // Connected: the next thing due is the consent check, 5 s after the answer.
  EXPECT_EQ(pair.client.poll_timeout(), at_ms(5020));
  // The same answer again is for no outstanding check any more.
  handled = pair.client.handle_stun(answers[0].bytes, server_address, at_ms(30));
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::unexpected);
}

TEST(IceAgents, ChecksGoRoundRobinAndTheAnsweringCandidateIsSelected) {
  Pair pair = make_ice_pair({other_address, server_address});
  pair.client.handle_timeout(at_ms(0));
  auto first = drain(pair.client);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].to, other_address);  // lost
  EXPECT_EQ(pair.client.poll_timeout(), at_ms(50));
  pair.client.handle_timeout(at_ms(49));  // early: nothing due
  EXPECT_TRUE(drain(pair.client).empty());
  pair.run_until(at_ms(1000));
  EXPECT_EQ(pair.checks_sent, 1);  // the second check (to the server) already succeeded
  EXPECT_EQ(pair.client.selected(), server_address);
  EXPECT_EQ(pair.server.selected(), client_address);
}

TEST(IceAgents, AnswersAreMatchedByTransactionIdSourceAndIntegrity) {
  Pair pair = make_ice_pair({server_address});
  pair.client.handle_timeout(at_ms(0));
  auto checks = drain(pair.client);
  ASSERT_EQ(checks.size(), 1u);
  ASSERT_TRUE(pair.server.handle_stun(checks[0].bytes, client_address));
  auto answers = drain(pair.server);
  ASSERT_EQ(answers.size(), 1u);

  // From the wrong address: refused, and the check stays outstanding.
  auto handled = pair.client.handle_stun(answers[0].bytes, other_address, at_ms(10));
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::unexpected);
  // A forged answer (keyed with another password): refused, not selected.
  auto request = parse_stun(checks[0].bytes);
  StunMessage forged;
  forged.type = stun_binding_success;
  forged.transaction_id = request->transaction_id;
  forged.xor_mapped_address = client_address;
  handled = pair.client.handle_stun(encode_stun(forged, "not-the-server-password", true), server_address, at_ms(10));
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::bad_integrity);
  // An answer to a check never sent.
  forged.transaction_id.fill(0xEE);
  handled = pair.client.handle_stun(encode_stun(forged, server_credentials.pwd, true), server_address, at_ms(10));
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::unexpected);
  EXPECT_FALSE(pair.client.selected().has_value());
  // The real answer still counts.
  ASSERT_TRUE(pair.client.handle_stun(answers[0].bytes, server_address, at_ms(10)));
  EXPECT_EQ(pair.client.selected(), server_address);
}

TEST(IceAgents, WrongPasswordIsAnswered401AndReported) {
  // The client holds a wrong server password, so its checks' integrity fails at the server.
  IceControllingAgent client(client_credentials, {server_credentials.ufrag, "wrong-password-24-chars!"}, {server_address}, 3, at_ms(0));
  IceLiteAgent server(server_credentials, client_credentials);
  client.handle_timeout(at_ms(0));
  auto checks = drain(client);
  ASSERT_EQ(checks.size(), 1u);
  auto handled = server.handle_stun(checks[0].bytes, client_address);
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::bad_integrity);
  EXPECT_FALSE(server.selected().has_value());
  auto answers = drain(server);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].to, client_address);
  auto answer = parse_stun(answers[0].bytes);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->type, stun_binding_error);
  EXPECT_EQ(answer->error_code, 401);
  EXPECT_EQ(answer->transaction_id, parse_stun(checks[0].bytes)->transaction_id);
  EXPECT_TRUE(answer->has_fingerprint);
  EXPECT_FALSE(answer->has_integrity);
  // The client reports the 401 and keeps trying (nothing selected, not failed yet).
  handled = client.handle_stun(answers[0].bytes, server_address, at_ms(10));
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::unexpected);
  EXPECT_NE(handled.error().message.find("401"), std::string::npos) << handled.error().message;
  EXPECT_FALSE(client.selected().has_value());
  EXPECT_FALSE(client.failure().has_value());
}

TEST(IceLite, ChecksUsernameAndIntegrityAndNominatesOnlyWithUseCandidate) {
  IceLiteAgent server(server_credentials, client_credentials);
  // Wrong USERNAME: reported, not answered.
  auto handled = server.handle_stun(check_bytes("srvUfrag:someone", server_credentials.pwd, true), client_address);
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::bad_username);
  handled = server.handle_stun(check_bytes("cliUfrag:srvUfrag", server_credentials.pwd, true), client_address);  // reversed
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::bad_username);
  EXPECT_FALSE(server.poll_transmit().has_value());
  // No MESSAGE-INTEGRITY: 400.
  handled = server.handle_stun(check_bytes("srvUfrag:cliUfrag", {}, true), client_address);
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::bad_integrity);
  auto answer = server.poll_transmit();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(parse_stun(answer->bytes)->error_code, 400);
  // A valid check without USE-CANDIDATE: answered, nothing selected.
  ASSERT_TRUE(server.handle_stun(check_bytes("srvUfrag:cliUfrag", server_credentials.pwd, false), client_address));
  answer = server.poll_transmit();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(parse_stun(answer->bytes)->type, stun_binding_success);
  EXPECT_FALSE(server.selected().has_value());
  // With USE-CANDIDATE: selected; a later nomination from another address moves it.
  ASSERT_TRUE(server.handle_stun(check_bytes("srvUfrag:cliUfrag", server_credentials.pwd, true), client_address));
  EXPECT_EQ(server.selected(), client_address);
  ASSERT_TRUE(server.handle_stun(check_bytes("srvUfrag:cliUfrag", server_credentials.pwd, true, 2), other_address));
  EXPECT_EQ(server.selected(), other_address);
  // Keepalive indications are fine and unanswered; responses are not for a lite agent.
  StunMessage indication;
  indication.type = stun_binding_indication;
  drain(server);
  ASSERT_TRUE(server.handle_stun(encode_stun(indication, {}, true), client_address));
  EXPECT_FALSE(server.poll_transmit().has_value());
  StunMessage response;
  response.type = stun_binding_success;
  handled = server.handle_stun(encode_stun(response, {}, true), client_address);
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::unexpected);
  // Not STUN at all: the parser's error.
  handled = server.handle_stun(std::vector<std::uint8_t>{0x16, 0xfe, 0xfd}, client_address);
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::not_stun);
}

TEST(IceLite, AcceptsAnyRemoteUfragWhileItIsUnknown) {
  IceLiteAgent server(server_credentials, {"", ""});
  ASSERT_TRUE(server.handle_stun(check_bytes("srvUfrag:whoever", server_credentials.pwd, true), client_address));
  EXPECT_EQ(server.selected(), client_address);
  auto handled = server.handle_stun(check_bytes("other:whoever", server_credentials.pwd, true), client_address);
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::bad_username);
}

TEST(IceLite, TransmitQueueIsBounded) {
  IceLiteAgent server(server_credentials, client_credentials);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(
        server.handle_stun(check_bytes("srvUfrag:cliUfrag", server_credentials.pwd, false, static_cast<std::uint8_t>(i)), client_address));
  }
  const auto queued = drain(server).size();
  EXPECT_GT(queued, 0u);
  EXPECT_LT(queued, 1000u);
}

TEST(IceControlling, NoAnswerFailsAfterConnectTimeoutNamingTheCandidates) {
  IceControllingAgent client(client_credentials, server_credentials, {server_address, other_address}, 9, at_ms(0));
  int checks = 0;
  std::set<SocketAddress> destinations;
  std::set<StunTransactionId> ids;
  while (auto next = client.poll_timeout()) {
    ASSERT_LE(*next, at_ms(10'000));
    client.handle_timeout(*next);
    for (auto& check : drain(client)) {
      ++checks;
      destinations.insert(check.to);
      ids.insert(parse_stun(check.bytes)->transaction_id);
    }
  }
  // One check per 50 ms from 0 to 9950 ms, each with its own transaction id, to both candidates.
  EXPECT_EQ(checks, 200);
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(destinations.size(), 2u);
  ASSERT_TRUE(client.failure().has_value());
  EXPECT_EQ(*client.failure(), "ICE checks to 2 candidate(s) (192.0.2.1:7881, 198.51.100.7:7881) got no answer in 10 s");
  EXPECT_FALSE(client.selected().has_value());
  EXPECT_FALSE(client.poll_timeout().has_value());
  client.handle_timeout(at_ms(20'000));
  EXPECT_FALSE(client.poll_transmit().has_value());
}

TEST(IceControlling, NotYetFailedJustBeforeConnectTimeout) {
  IceControllingAgent client(client_credentials, server_credentials, {server_address}, 9, at_ms(0),
                             {.check_interval = std::chrono::seconds(20)});
  client.handle_timeout(at_ms(0));
  EXPECT_EQ(client.poll_timeout(), at_ms(10'000));  // the deadline comes before the next check
  client.handle_timeout(at_ms(9'999));
  EXPECT_FALSE(client.failure().has_value());
  client.handle_timeout(at_ms(10'000));
  EXPECT_TRUE(client.failure().has_value());
}

TEST(IceControlling, TheSameSeedSendsTheSameBytes) {
  auto run = [](std::uint64_t seed) {
    IceControllingAgent client(client_credentials, server_credentials, {server_address, other_address}, seed, at_ms(0));
    std::vector<std::vector<std::uint8_t>> sent;
    for (std::int64_t ms = 0; ms < 1000; ms += 50) {
      client.handle_timeout(at_ms(ms));
      for (auto& check : drain(client)) sent.push_back(check.bytes);
    }
    return sent;
  };
  const auto first = run(77);
  EXPECT_EQ(first.size(), 20u);
  EXPECT_EQ(run(77), first);
  EXPECT_NE(run(78), first);
}

TEST(IceControlling, NoCandidateFailsAtOnce) {
  IceControllingAgent client(client_credentials, server_credentials, {}, 1, at_ms(0));
  ASSERT_TRUE(client.failure().has_value());
  EXPECT_FALSE(client.poll_timeout().has_value());
}

TEST(IceControlling, ConsentChecksKeepThePairAndItsLossFails) {
  Pair pair = make_ice_pair({server_address});
  pair.run_until(at_ms(100));
  ASSERT_EQ(pair.client.selected(), server_address);
  const int after_connect = pair.checks_sent;
  // A minute of answered consent checks, one per 5 s, none nominating again.
  pair.run_until(at_ms(60'000));
  EXPECT_FALSE(pair.client.failure().has_value());
  EXPECT_EQ(pair.checks_sent - after_connect, 12);
  // Then the server's answers stop arriving at 60 s: the last answer was at 60 s, consent is lost
  // 30 s later.
  pair.run_until(at_ms(200'000), [](core::TimePoint now) { return now <= at_ms(60'000); });
  ASSERT_TRUE(pair.client.failure().has_value());
  EXPECT_EQ(*pair.client.failure(), "ICE consent lost: no answer from 192.0.2.1:7881 for 30 s");
  EXPECT_FALSE(pair.client.poll_timeout().has_value());
}

TEST(IceControlling, ConsentChecksDoNotNominate) {
  Pair pair = make_ice_pair({server_address});
  pair.run_until(at_ms(100));
  ASSERT_TRUE(pair.client.selected().has_value());
  pair.client.handle_timeout(*pair.client.poll_timeout());
  auto consent = drain(pair.client);
  ASSERT_EQ(consent.size(), 1u);
  EXPECT_EQ(consent[0].to, server_address);
  auto check = parse_stun(consent[0].bytes);
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_FALSE(check->use_candidate);
  EXPECT_TRUE(stun_integrity_ok(consent[0].bytes, server_credentials.pwd));
}

TEST(IceControlling, AnswersAFullPeersChecks) {
  IceControllingAgent client(client_credentials, server_credentials, {server_address}, 4, at_ms(0));
  // The peer's check to us: USERNAME "<our ufrag>:<its ufrag>", keyed with our password.
  auto handled = client.handle_stun(check_bytes("cliUfrag:srvUfrag", client_credentials.pwd, false), server_address, at_ms(1));
  ASSERT_TRUE(handled) << handled.error().message;
  auto answer = client.poll_transmit();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->to, server_address);
  auto parsed = parse_stun(answer->bytes);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->type, stun_binding_success);
  EXPECT_EQ(parsed->xor_mapped_address, server_address);
  EXPECT_TRUE(stun_integrity_ok(answer->bytes, client_credentials.pwd));
  // We control: the peer's check does not select anything.
  EXPECT_FALSE(client.selected().has_value());
  // Keyed with the wrong password: 401.
  handled = client.handle_stun(check_bytes("cliUfrag:srvUfrag", server_credentials.pwd, false), server_address, at_ms(2));
  ASSERT_FALSE(handled);
  EXPECT_EQ(handled.error().code, StunErrorCode::bad_integrity);
  answer = client.poll_transmit();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(parse_stun(answer->bytes)->error_code, 401);
}

}  // namespace
}  // namespace dclcomms::webrtc
