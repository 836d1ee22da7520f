// Our own XML-RPC codec (issue 16 item 7): strict writer, liberal but safe reader on saxes.
export { encodeMethodCall, encodeMethodResponse, encodeFault, EncodingError } from './encode.js';
export { decodeMethodCall, decodeMethodResponse, XmlRpcParseError, type DecodeLimits } from './decode.js';
export {
  asBoolean, asString, isStruct, looksLikeHtml, member, DROPPED_MEMBERS,
  type XmlRpcValue, type XmlRpcInput, type XmlRpcStruct, type XmlRpcFault, type DecodedCall, type DecodedResponse,
} from './values.js';
