#include "RestContractStore.h"
#include "UsageStoreContract.h"

int main(int argc, char* argv[])
{
    return RestContractStore::runSuite<UsageStoreContract>(argc, argv);
}
