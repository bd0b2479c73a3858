#include "dclcomms/sim_room/room_client.hpp"

#include "dclcomms/ws_room/ws_room_transport.hpp"

namespace dclcomms::sim_room {

transport::TransportPtr make_room_client(transport::TransportContext context, const std::string& uri, transport::EventHandler on_event) {
  // The ws-room maker copies the context into the transport, so the factory need not outlive it.
  transport::TransportFactory factory(std::move(context));
  ws_room::register_ws_room(factory);
  auto created = factory.create(uri).value();
  created->set_event_handler(std::move(on_event));
  return created;
}

}  // namespace dclcomms::sim_room
