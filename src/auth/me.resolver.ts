import { Authorized, Ctx, Query, Resolver } from "type-graphql";
import { callerOf, type RequestContext } from "../principals/request-context";
import { PrincipalInfo } from "./principal-info";

@Resolver()
export class MeResolver {
  @Authorized()
  @Query(() => PrincipalInfo, { description: "The caller's principal. Requires any credential." })
  me(@Ctx() context: RequestContext): PrincipalInfo {
    return PrincipalInfo.of(callerOf(context).principal);
  }
}
