// UDP on Asio (see the header). One receive outstanding at a time; datagrams are delivered on the
// runtime's thread; sends are synchronous (UDP never blocks long: a full buffer drops the datagram).
#include "dclcomms/carriers/udp_socket.hpp"

#include <boost/asio/ip/udp.hpp>

#include <array>

#include "detail/asio_context.hpp"

namespace dclcomms::carriers {

namespace {

class AsioUdpSocket final : public transport::DatagramSocket {
 public:
  AsioUdpSocket(boost::asio::io_context& io, transport::DatagramHandler handler) : socket_(io), handler_(std::move(handler)) {}

  boost::asio::ip::udp::socket& socket() { return socket_; }

  void receive_next() {
    socket_.async_receive_from(
        boost::asio::buffer(buffer_), sender_, [this, alive = alive_](const boost::system::error_code& error, std::size_t size) {
          if (!*alive) return;
          if (error == boost::asio::error::operation_aborted) return;
          if (!error) handler_({sender_.address().to_string(), sender_.port()}, std::span<const std::uint8_t>(buffer_.data(), size));
          if (*alive) receive_next();
        });
  }

  void send_to(const core::SocketAddress& to, std::span<const std::uint8_t> datagram) override {
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(to.ip, error);
    if (error) return;
    socket_.send_to(boost::asio::buffer(datagram.data(), datagram.size()), {address, to.port}, 0, error);
  }

  core::SocketAddress local_address() const override {
    boost::system::error_code error;
    const auto endpoint = socket_.local_endpoint(error);
    return {endpoint.address().to_string(), endpoint.port()};
  }

  ~AsioUdpSocket() override {
    *alive_ = false;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  boost::asio::ip::udp::socket socket_;
  transport::DatagramHandler handler_;
  std::array<std::uint8_t, 65536> buffer_{};
  boost::asio::ip::udp::endpoint sender_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // pending handlers outlive the socket object
};

}  // namespace

core::Result<std::unique_ptr<transport::DatagramSocket>, transport::ListenError> open_udp_socket(AsioRuntime& runtime,
                                                                                                 const core::SocketAddress& bind,
                                                                                                 transport::DatagramHandler handler) {
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(bind.ip, error);
  if (error) return core::fail(transport::ListenErrorCode::bad_address, "not an IP address: " + bind.ip);
  auto socket = std::make_unique<AsioUdpSocket>(runtime.context().io, std::move(handler));
  const boost::asio::ip::udp::endpoint endpoint(address, bind.port);
  socket->socket().open(endpoint.protocol(), error);
  if (!error) socket->socket().bind(endpoint, error);
  if (error) return core::fail(transport::ListenErrorCode::bind_failed, "UDP " + core::to_string(bind) + ": " + error.message());
  socket->receive_next();
  return std::unique_ptr<transport::DatagramSocket>(std::move(socket));
}

transport::DatagramSocketOpener udp_socket_opener(AsioRuntime& runtime) {
  return [&runtime](const core::SocketAddress& bind, transport::DatagramHandler handler) {
    return open_udp_socket(runtime, bind, std::move(handler));
  };
}

}  // namespace dclcomms::carriers
