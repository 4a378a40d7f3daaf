// The app core's contract as the web app imports it: one place that names where the
// types come from, so the UI never reaches into the client's files elsewhere.

/** Protocol limits (UTF-8 bytes) for the inputs' `maxLength`. */
export { LIMITS } from '@hearth/client'

export type {
  AppSnapshot,
  BanSummary,
  ChannelSummary,
  HearthAppApi,
  Hex,
  InviteOptions,
  InviteResult,
  MemberSummary,
  MeSnapshot,
  MessagePage,
  MessageSummary,
  NetworkSummary,
  Presence,
  ProfileSummary,
  ReactionSummary,
  Rights,
  RoomConnection,
  RoomSnapshot,
  RoomSummary
} from '@hearth/client'
